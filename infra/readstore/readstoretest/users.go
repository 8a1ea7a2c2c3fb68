package readstoretest

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/readmodel/users"
)

// The users read model's contract.

func canonUser(u users.User) users.User {
	u.Roles, u.Channels, u.CreatedAt = nilIfEmpty(u.Roles), nilIfEmpty(u.Channels), utc(u.CreatedAt)
	return u
}

func testUsersAndTokens(t *testing.T, open func(t *testing.T) Store) {
	s := open(t)
	ctx := t.Context()
	admin := users.User{ID: uuid.New(), Email: "Admin@Example.com", FirstName: "Анна", LastName: "Каренина",
		Roles: []string{"customer", "admin"}, CreatedAt: at, Channels: []string{"inbox", "email"}}
	plain := users.User{ID: uuid.New(), Email: "x@example.com", CreatedAt: at}
	write(t, s, users.Name, 1, func(ctx context.Context, tx users.Writes) error {
		for _, u := range []users.User{admin, plain} {
			if err := tx.PutUser(ctx, u); err != nil {
				return err
			}
		}
		got, found, err := tx.User(ctx, admin.ID)
		if err != nil || !found {
			t.Errorf("tx user: found %v, %v", found, err)
		}
		same(t, "tx user", got, admin, canonUser)
		return tx.RevokeToken(ctx, users.RevokedToken{TokenID: "token-1", UserID: admin.ID, ExpiresAt: at.Add(time.Hour)})
	})
	for _, want := range []users.User{admin, plain} {
		got, found, err := s.User(ctx, want.ID)
		if err != nil || !found {
			t.Fatalf("user %s: found %v, %v", want.ID, found, err)
		}
		checkUTC(t, "user", got.CreatedAt)
		same(t, "user", got, want, canonUser)
	}
	if _, found, err := s.User(ctx, uuid.New()); err != nil || found {
		t.Errorf("unknown user: found %v, %v", found, err)
	}

	// A changed profile replaces the old one, notification settings too; revoking twice is harmless.
	admin.LastName, admin.Roles = "Вронская", []string{"customer"}
	admin.Channels, admin.Phone, admin.TelegramChatID = []string{"inbox", "sms", "telegram"}, "+79991234567", "-1001234567890"
	write(t, s, users.Name, 2, func(ctx context.Context, tx users.Writes) error {
		if err := tx.PutUser(ctx, admin); err != nil {
			return err
		}
		return tx.RevokeToken(ctx, users.RevokedToken{TokenID: "token-1", UserID: admin.ID, ExpiresAt: at.Add(time.Hour)})
	})
	got, _, _ := s.User(ctx, admin.ID)
	same(t, "user after upsert", got, admin, canonUser)

	for token, want := range map[string]bool{"token-1": true, "token-2": false, "": false} {
		if revoked, err := s.TokenRevoked(ctx, token); err != nil || revoked != want {
			t.Errorf("token %q revoked: %v, %v; want %v", token, revoked, err, want)
		}
	}
}
