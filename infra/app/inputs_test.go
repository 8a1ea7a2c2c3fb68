package app_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chance-video/chance/infra/config"
)

// Dates the stores cannot hold are bad input, not a server error; an anonymous client
// cannot make a read wait for a position of its choosing.
func TestOddInputs(t *testing.T) {
	sh := newShop(t)
	token := sh.signUp("ilya@example.ru")
	for _, q := range []string{"from=0001-01-01", "to=9999-12-31", "from=9999-12-31T23:59:59Z"} {
		sh.expect(http.StatusBadRequest, call{method: "GET", path: "/billing/history?" + q, token: token})
	}
	sh.expect(http.StatusOK, call{method: "GET", path: "/billing/history?from=2026-01-01&to=2027-01-01", token: token})

	started := time.Now()
	sh.expect(http.StatusOK, call{method: "GET", path: "/search/", header: map[string]string{"X-Chance-Min-Position": "18446744073709551615/0"}})
	if waited := time.Since(started); waited >= sh.cfg.ReadWait {
		t.Fatalf("an anonymous search waited %s for a position it named", waited)
	}
}

// Registration is throttled per address as configured (CHANCE_REGISTER_BURST/EVERY):
// 600 sign-ups in 20 s from one address once went through.
func TestRegistrationsFollowTheConfiguredLimit(t *testing.T) {
	sh := newShopOn(t, func(_ *testing.T, c *config.Config) { c.RegisterBurst, c.RegisterEvery = 2, time.Minute })
	register := func(email string) reply {
		return sh.do(call{method: "POST", path: "/register", body: map[string]string{
			"email": email, "password": "correct horse battery", "first_name": "Анна", "last_name": "Каренина"}})
	}
	for _, email := range []string{"a@example.ru", "b@example.ru"} {
		if r := register(email); r.status != http.StatusCreated {
			t.Fatalf("register %s: %d %s", email, r.status, r.raw)
		}
	}
	r := register("c@example.ru")
	if r.status != http.StatusTooManyRequests || r.header.Get("Retry-After") == "" || !strings.Contains(string(r.raw), "registrations") {
		t.Fatalf("third registration: %d %v %s", r.status, r.header, r.raw)
	}
	sh.clock.Advance(time.Minute)
	if r := register("c@example.ru"); r.status != http.StatusCreated {
		t.Fatalf("after the interval: %d %s", r.status, r.raw)
	}
}
