package httpapi_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/chance-video/chance/commands"
)

// A token revoked by another instance (its event reaches this one's read model) is
// refused here at most a second after this instance last asked the read model about
// it: between, the answer it had is reused (asking on every request was 3% of a rent).
func TestATokenRevokedElsewhereIsRefusedWithinTheRecheck(t *testing.T) {
	h := newHarness(t)
	token, id := h.customer("vera")
	h.get("/billing/amount", token).want(t, http.StatusOK) // asks the read model: unrevoked
	claims, err := h.tokens.Verify(token)
	if err != nil {
		t.Fatal(err)
	}
	// Another instance signs this token out: its event, not this API's logout.
	pos, err := h.cmd.RevokeToken(context.Background(), id, claims.TokenID, claims.ExpiresAt, commands.Request{Key: "elsewhere"})
	if err != nil {
		t.Fatal(err)
	}
	h.settle(pos)
	h.get("/billing/amount", token).want(t, http.StatusOK) // within the recheck: the last answer
	h.clock.Advance(time.Second)
	h.get("/billing/amount", token).problem(t, http.StatusUnauthorized, "revoked")
}
