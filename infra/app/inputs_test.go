package app_test

import (
	"net/http"
	"testing"
	"time"
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
