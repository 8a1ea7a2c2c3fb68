package user

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain"
	"github.com/chance-video/chance/domain/decidertest"
)

var (
	now = time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	id  = uuid.MustParse("00000000-0000-0000-0000-0000000000aa")
)

func register(email string) Register {
	return Register{UserID: id, Email: email, FirstName: " Анна ", LastName: "Каренина", PasswordHash: "$argon2id$hash", Now: now}
}

func registered() Registered {
	return Registered{UserID: id, Email: "anna@example.ru", FirstName: "Анна", LastName: "Каренина", PasswordHash: "$argon2id$hash", Roles: []string{RoleCustomer}, At: now}
}

func TestRegister(t *testing.T) {
	noPassword := register("anna@example.ru")
	noPassword.PasswordHash = ""
	noName := register("anna@example.ru")
	noName.FirstName = "  "
	decidertest.Run(t, Decider, []decidertest.Spec[Command]{
		{Name: "registers a customer with a normalised email", When: register("  Anna@Example.RU "), Then: []domain.Event{registered()}},
		{Name: "only once", Given: []domain.Event{registered()}, When: register("anna@example.ru"), WantErr: ErrAlreadyRegistered},
		{Name: "not an email", When: register("anna"), WantErr: domain.ErrInvalid},
		{Name: "a display name is not an email", When: register("Anna <anna@example.ru>"), WantErr: domain.ErrInvalid},
		{Name: "needs a domain with a dot", When: register("anna@localhost"), WantErr: domain.ErrInvalid},
		{Name: "needs a password", When: noPassword, WantErr: domain.ErrInvalid},
		{Name: "needs a name", When: noName, WantErr: domain.ErrInvalid},
		{Name: "a quote and an apostrophe are a name", When: named(`Ann "Nan"`, "O'Neil"), Then: []domain.Event{namedEvent(`Ann "Nan"`, "O'Neil")}},
	})
}

func named(first, last string) Register {
	r := register("anna@example.ru")
	r.FirstName, r.LastName = first, last
	return r
}

func namedEvent(first, last string) Registered {
	e := registered()
	e.FirstName, e.LastName = first, last
	return e
}

// A name with a control character or a bidi override would break the email headers
// it is sent in (issue 7): refused, with the field named.
func TestRegisterRefusesNamesThatAreNotText(t *testing.T) {
	for _, tc := range []struct{ first, last, field string }{
		{"Ann\"\r\nBcc: x@example.ru", "O'Neil", "first_name"},
		{"Ann\x00", "O'Neil", "first_name"},
		{"Ann\x7f", "O'Neil", "first_name"},
		{"Ann\u0085", "O'Neil", "first_name"},
		{"Ann", "O'Neil\u202e", "last_name"},
		{"Ann", "\u2066O'Neil\u2069", "last_name"},
		{"Ann", "O'Neil\u200f", "last_name"},
	} {
		_, err := Decide(named(tc.first, tc.last), Initial())
		if !errors.Is(err, domain.ErrInvalid) || !strings.Contains(err.Error(), tc.field) {
			t.Errorf("register %q %q: %v, want an invalid-input error naming %s", tc.first, tc.last, err, tc.field)
		}
	}
}

func TestRolesAndTokens(t *testing.T) {
	given := []domain.Event{registered()}
	decidertest.Run(t, Decider, []decidertest.Spec[Command]{
		{Name: "grants a role", Given: given, When: GrantRole{Role: RoleAdmin, Now: now}, Then: []domain.Event{RoleGranted{UserID: id, Role: RoleAdmin, At: now}}},
		{Name: "granting a held role is a no-op", Given: given, When: GrantRole{Role: RoleCustomer, Now: now}},
		{Name: "unknown role", Given: given, When: GrantRole{Role: "root"}, WantErr: domain.ErrInvalid},
		{Name: "role for nobody", When: GrantRole{Role: RoleAdmin}, WantErr: ErrNotFound},
		{Name: "revokes a token", Given: given, When: RevokeToken{TokenID: "j1", ExpiresAt: now.Add(time.Hour), Now: now},
			Then: []domain.Event{TokenRevoked{UserID: id, TokenID: "j1", ExpiresAt: now.Add(time.Hour), At: now}}},
		{Name: "revoking twice is a no-op", Given: append(given, TokenRevoked{UserID: id, TokenID: "j1", ExpiresAt: now.Add(time.Hour)}),
			When: RevokeToken{TokenID: "j1", ExpiresAt: now.Add(time.Hour), Now: now}},
		{Name: "an expired token needs no revocation", Given: given, When: RevokeToken{TokenID: "j1", ExpiresAt: now, Now: now}},
		{Name: "revoke for nobody", When: RevokeToken{TokenID: "j1", ExpiresAt: now.Add(time.Hour), Now: now}, WantErr: ErrNotFound},
	})
	s := Decider.Fold(append(given, RoleGranted{Role: RoleAuditor}))
	if !s.HasRole(RoleAuditor) || !s.HasRole(RoleCustomer) || s.HasRole(RoleAdmin) {
		t.Fatalf("roles = %v", s.Roles)
	}
}

func TestEmailGuard(t *testing.T) {
	other := uuid.New()
	decidertest.Run(t, EmailGuard, []decidertest.Spec[ClaimEmail]{
		{Name: "claims", When: ClaimEmail{Email: "a@b.ru", UserID: id}, Then: []domain.Event{EmailClaimed{Email: "a@b.ru", UserID: id}}},
		{Name: "the same user again is a no-op", Given: []domain.Event{EmailClaimed{Email: "a@b.ru", UserID: id}}, When: ClaimEmail{Email: "a@b.ru", UserID: id}},
		{Name: "another user cannot", Given: []domain.Event{EmailClaimed{Email: "a@b.ru", UserID: id}}, When: ClaimEmail{Email: "a@b.ru", UserID: other}, WantErr: ErrEmailTaken},
	})
}

func TestEmailStream(t *testing.T) {
	a, _ := NormaliseEmail("Anna@Example.ru")
	b, _ := NormaliseEmail(" anna@example.RU")
	if EmailStream(a) != EmailStream(b) {
		t.Fatal("the same address in another case must guard the same stream")
	}
	if got := EmailStream(a); len(got) != len("email-")+64 {
		t.Fatalf("stream %q", got)
	}
	if _, err := NormaliseEmail("x"); !errors.Is(err, domain.ErrInvalid) {
		t.Fatal("bad email accepted")
	}
}
