package httpapi_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/infra/httpapi"
)

func TestRegisterLoginProfile(t *testing.T) {
	h := newHarness(t)
	body := map[string]string{"email": " Anna@Example.RU ", "password": "correct horse", "first_name": "Анна", "last_name": "Каренина"}
	reg := h.post("/register", "", "", body).want(t, http.StatusCreated)
	if reg.str("email") != "anna@example.ru" || reg.str("first_name") != "Анна" || reg.JSON["roles"].([]any)[0] != "customer" {
		t.Fatalf("registered %s", reg.Raw)
	}
	h.post("/register", "", "", body).problem(t, http.StatusConflict, "already registered")
	weak := map[string]string{"email": "b@example.ru", "password": "short", "first_name": "Б", "last_name": "Б"}
	h.post("/register", "", "", weak).problem(t, http.StatusBadRequest, "at least 8")
	bad := map[string]string{"email": "not-an-email", "password": "correct horse", "first_name": "Б", "last_name": "Б"}
	h.post("/register", "", "", bad).problem(t, http.StatusBadRequest, "not an email")

	login := h.post("/login", "", "", map[string]string{"email": "anna@example.ru", "password": "correct horse"}).want(t, http.StatusOK)
	if login.str("token") == "" || login.str("expires_at") != start.Add(tokenTTL).Format(time.RFC3339) {
		t.Fatalf("login = %s", login.Raw)
	}
	me := h.get("/users", login.str("token")).want(t, http.StatusOK)
	if me.str("id") != reg.str("id") || me.str("email") != "anna@example.ru" || me.str("last_name") != "Каренина" {
		t.Fatalf("profile = %s", me.Raw)
	}
	h.post("/login", "", "", map[string]string{"email": "anna@example.ru", "password": "wrong horse"}).
		problem(t, http.StatusUnauthorized, "email or the password is wrong")
	h.post("/login", "", "", map[string]string{"email": "nobody@example.ru", "password": "correct horse"}).
		problem(t, http.StatusUnauthorized, "email or the password is wrong")
}

func TestTokensAreRequiredAndChecked(t *testing.T) {
	h := newHarness(t)
	token, _ := h.customer("vera")

	r := h.get("/billing/amount", "").problem(t, http.StatusUnauthorized, "sign in")
	if !strings.HasPrefix(r.Header.Get("WWW-Authenticate"), "Bearer") {
		t.Fatalf("WWW-Authenticate = %q", r.Header.Get("WWW-Authenticate"))
	}
	h.get("/billing/amount", "not.a.token").problem(t, http.StatusUnauthorized, "not valid")
	h.get("/billing/amount", token+"x").problem(t, http.StatusUnauthorized, "not valid")
	h.send(req{Method: http.MethodGet, Path: "/users", Header: map[string]string{"Authorization": "Basic " + token}}).
		problem(t, http.StatusUnauthorized, "Bearer")
	h.get("/billing/amount", token).want(t, http.StatusOK)

	h.clock.Advance(tokenTTL)
	h.get("/billing/amount", token).problem(t, http.StatusUnauthorized, "expired")
	// Public pages still answer a browser holding an expired token.
	h.get("/search/?q=Маузер", token).want(t, http.StatusOK)
}

func TestRolesAreEnforced(t *testing.T) {
	h := newHarness(t)
	customer, _ := h.customer("gleb")
	film := h.publish("Маузер", nil, 50000, 48, 0)
	h.post("/admin/premieres", customer, "", map[string]any{"title": "X"}).problem(t, http.StatusForbidden, "admin")
	h.send(req{Method: http.MethodPatch, Path: "/admin/premieres/" + film.String(), Token: customer, Body: `{"title":"Y"}`}).
		problem(t, http.StatusForbidden, "admin")
	h.send(req{Method: http.MethodDelete, Path: "/admin/premieres/" + film.String(), Token: customer}).problem(t, http.StatusForbidden)
	h.get("/audit/billing", customer).problem(t, http.StatusForbidden, "auditor")
	h.get("/audit/billing", "").problem(t, http.StatusUnauthorized)

	admin := h.withRole("admin", "admin")
	h.get("/audit/billing", admin).problem(t, http.StatusForbidden, "auditor")
	auditor := h.withRole("auditor", "auditor")
	h.get("/audit/billing", auditor).want(t, http.StatusOK)
}

func TestLogoutRevokesTheToken(t *testing.T) {
	h := newHarness(t)
	token, _ := h.customer("dina")
	other, _ := h.customer("dina2")
	h.post("/logout", token, "", nil).want(t, http.StatusNoContent)
	h.get("/billing/amount", token).problem(t, http.StatusUnauthorized, "revoked")
	h.post("/logout", token, "", nil).problem(t, http.StatusUnauthorized, "revoked")
	h.get("/billing/amount", other).want(t, http.StatusOK) // only that token
}

func TestLoginIsRateLimited(t *testing.T) {
	h := newHarness(t)
	token, _ := h.customer("egor") // one sign-in used
	me := h.get("/users", token).want(t, http.StatusOK).str("email")
	wrong := map[string]string{"email": me, "password": "not my password"}
	for range 4 { // the default burst is 5 attempts per email
		h.post("/login", "", "", wrong).want(t, http.StatusUnauthorized)
	}
	r := h.post("/login", "", "", map[string]string{"email": me, "password": "correct horse"}).problem(t, http.StatusTooManyRequests, "try again")
	if r.Header.Get("Retry-After") == "" || r.num("retry_after") < 1 {
		t.Fatalf("no Retry-After: %v %s", r.Header, r.Raw)
	}
	// Other emails from the same address are not locked out by this one.
	stranger := map[string]string{"email": uuid.NewString()[:8] + "@example.ru", "password": "whatever1"}
	h.post("/login", "", "", stranger).want(t, http.StatusUnauthorized)

	h.clock.Advance(time.Minute) // the email's bucket refills
	h.post("/login", "", "", map[string]string{"email": me, "password": "correct horse"}).want(t, http.StatusOK)
}

// A token validly signed with the server's key for a user id that was never
// registered acts for nobody (issue 7): it could otherwise fill a balance no user owns.
func TestTokenOfNoUserIsRefused(t *testing.T) {
	h := newHarness(t)
	ghost, _, err := h.tokens.Issue(uuid.New(), []string{"customer", "admin", "auditor"})
	if err != nil {
		t.Fatal(err)
	}
	h.get("/users", ghost).problem(t, http.StatusUnauthorized, "does not exist")
	h.post("/billing/fill", ghost, uuid.NewString(), map[string]any{"summ": 100}).problem(t, http.StatusUnauthorized, "does not exist")
	h.get("/audit/billing", ghost).problem(t, http.StatusUnauthorized)
	// A public page treats it as no token at all.
	h.get("/search/?q=x", ghost).want(t, http.StatusOK)

	// A user who has just registered is found at once, before any read model.
	token, _ := h.customer("nina")
	h.fill(token, 100)
}

// Registrations are limited per client address (issue 7: 600 accounts in 20 s from
// one address), with the default limits: 5 at once, then one every 20 s.
func TestRegistrationsAreThrottledPerAddress(t *testing.T) {
	h := newHarness(t, func(d *httpapi.Deps) { d.Registrations = nil }) // nil: the defaults
	signUp := func(addr string) response {
		t.Helper()
		body := fmt.Sprintf(`{"email":"u-%s@example.ru","password":"correct horse","first_name":"Анна","last_name":"Тестова"}`, uuid.NewString()[:8])
		return h.send(req{Method: http.MethodPost, Path: "/register", Body: body, RemoteAddr: addr})
	}
	for range 5 {
		signUp("203.0.113.7:1234").want(t, http.StatusCreated)
	}
	r := signUp("203.0.113.7:5678").problem(t, http.StatusTooManyRequests, "too many registrations", "20 s")
	if r.Header.Get("Retry-After") != "20" || r.str("type") != "urn:chance:problem:too-many-attempts" {
		t.Fatalf("Retry-After %q, type %q", r.Header.Get("Retry-After"), r.str("type"))
	}
	// Bad input is refused without spending the address's allowance.
	h.send(req{Method: http.MethodPost, Path: "/register", Body: `{"email":"x"}`, RemoteAddr: "203.0.113.7:1"}).problem(t, http.StatusBadRequest)
	signUp("198.51.100.9:1").want(t, http.StatusCreated) // another address is not affected
	h.clock.Advance(20 * time.Second)
	signUp("203.0.113.7:1234").want(t, http.StatusCreated)
	signUp("203.0.113.7:1234").problem(t, http.StatusTooManyRequests)
}

// A name that is not text would break every email to its owner (issue 7): a 400
// naming the field. A quote or an apostrophe is a name like any other.
func TestRegisterRefusesNamesThatAreNotText(t *testing.T) {
	h := newHarness(t)
	for _, tc := range []struct{ first, last, field string }{
		{"Ann\"\r\nBcc: x@example.ru", "O'Neil", "first_name"},
		{"Ann\x00", "O'Neil", "first_name"},
		{"Ann\x7f", "O'Neil", "first_name"},
		{"Ann", "O'Neil\u202e", "last_name"},
		{"Ann", "O'Neil\u2066", "last_name"},
	} {
		body := map[string]string{"email": "ann-" + uuid.NewString()[:8] + "@example.ru", "password": "correct horse", "first_name": tc.first, "last_name": tc.last}
		h.post("/register", "", "", body).problem(t, http.StatusBadRequest, tc.field, "must not contain")
	}
	body := map[string]string{"email": "ann@example.ru", "password": "correct horse", "first_name": `Ann "Nan" O'Neil`, "last_name": "Тестова"}
	reg := h.post("/register", "", "", body).want(t, http.StatusCreated)
	if reg.str("first_name") != `Ann "Nan" O'Neil` {
		t.Fatalf("registered %s", reg.Raw)
	}
}

// The admin's card text obeys the same rule (domain/premiere).
func TestPremiereTextThatIsNotTextIsRefused(t *testing.T) {
	h := newHarness(t)
	admin := h.withRole("admin", "admin")
	h.post("/admin/premieres", admin, "", map[string]any{"title": "Маузер\u202e", "online_price": 50000, "reservation_hours": 48}).
		problem(t, http.StatusBadRequest, "title", "must not contain")
	h.post("/admin/premieres", admin, "", map[string]any{"title": "Маузер", "actors": []string{"Анна\r\n"}, "online_price": 50000, "reservation_hours": 48}).
		problem(t, http.StatusBadRequest, "actors", "must not contain")
}

// A name, title or actor made only of invisible characters shows as blank: a 400
// naming the field, at registration and in the catalogue alike (domain.Visible).
func TestInvisibleNamesAreRefused(t *testing.T) {
	h := newHarness(t)
	blanks := []string{"\u200B", "\u200C\u200D", "\u2060", "\u3164", "\u115F\u1160", "\u2800", "\uFEFF", "\u0301\u0308", "\u200B\u3000\u00A0"}
	for _, blank := range blanks {
		body := map[string]string{"email": "ann-" + uuid.NewString()[:8] + "@example.ru", "password": "correct horse", "first_name": blank, "last_name": "Тестова"}
		h.post("/register", "", "", body).problem(t, http.StatusBadRequest, "first_name", "visible")
		body["first_name"], body["last_name"] = "Анна", blank
		h.post("/register", "", "", body).problem(t, http.StatusBadRequest, "last_name", "visible")
	}
	admin := h.withRole("admin", "admin")
	for _, blank := range blanks {
		h.post("/admin/premieres", admin, "", map[string]any{"title": blank, "online_price": 50000, "reservation_hours": 48}).
			problem(t, http.StatusBadRequest, "title")
		h.post("/admin/premieres", admin, "", map[string]any{"title": "Маузер", "actors": []string{"Анна", blank}, "online_price": 50000, "reservation_hours": 48}).
			problem(t, http.StatusBadRequest, "actors")
	}
	id := h.post("/admin/premieres", admin, "", map[string]any{"title": "Маузер", "actors": []string{"Анна"}, "online_price": 50000, "reservation_hours": 48}).
		want(t, http.StatusCreated).str("id")
	h.send(req{Method: http.MethodPatch, Path: "/admin/premieres/" + id, Token: admin, Body: map[string]any{"title": "\u200B\u3164"}}).
		problem(t, http.StatusBadRequest, "title", "visible")
}
