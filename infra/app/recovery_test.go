package app_test

import (
	"context"
	"errors"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chance-video/chance/commands"
)

// failOnce makes the next flow step named step fail, as a store error right after it
// would, while the shop keeps running.
type failOnce struct{ armed atomic.Pointer[string] }

func (f *failOnce) arm(step string) { f.armed.Store(&step) }

func (f *failOnce) hook(step string) error {
	if armed := f.armed.Load(); armed != nil && *armed == step && f.armed.CompareAndSwap(armed, nil) {
		return errors.New("injected store error")
	}
	return nil
}

// A checkout whose request fails right after the debit is answered 5xx; the recovery
// loop leaves it to its request during the grace period, then, on its next pass,
// creates the rentals and clears the cart, with no restart. The client's retry then
// finds the completed order and moves no more money.
func TestRecoveryLoopCompletesAFlowThatFailedAtRuntime(t *testing.T) {
	var failure failOnce
	sh := newShopOn(t, embedded, commands.WithStepHook(failure.hook))
	ctx := context.Background()
	sh.seed()
	token := sh.signUp("vera@example.ru")
	found := sh.expect(http.StatusOK, call{method: "GET", path: "/search/?q=" + urlq("маузер")})["items"].([]any)
	sh.expect(http.StatusCreated, call{method: "POST", path: "/billing/fill", token: token, key: "f", body: map[string]any{"summ": 1_000_000}})
	for _, item := range found[:2] {
		sh.expect(http.StatusCreated, call{method: "POST", path: "/cart/items", token: token, body: map[string]any{"premiere_id": item.(map[string]any)["id"], "period": 24}})
	}
	total := num(sh.expect(http.StatusOK, call{method: "GET", path: "/cart/checkout", token: token})["total"])

	failure.arm("paid")
	checkout := call{method: "POST", path: "/cart/checkout", token: token, key: "c", body: map[string]any{"expected_total": total}}
	if r := sh.do(checkout); r.status < 500 {
		t.Fatalf("checkout with a failing step: status %d, want 5xx: %s", r.status, r.raw)
	}
	balance := func() int64 {
		sh.settle() // a failed request leaves no write for its client's next read to wait for
		return num(sh.expect(http.StatusOK, call{method: "GET", path: "/billing/amount/", token: token})["balance"])
	}
	rentals := func() int {
		sh.settle()
		return len(sh.expect(http.StatusOK, call{method: "GET", path: "/me/premieres", token: token})["items"].([]any))
	}
	if got := balance(); got != 1_000_000-total {
		t.Fatalf("balance after the failed request = %d, want the debit taken: %d", got, 1_000_000-total)
	}
	if n := rentals(); n != 0 {
		t.Fatalf("%d rentals before recovery, want the flow stopped after the debit", n)
	}

	// Within the grace period the flow is its request's: a pass leaves it, and keeps
	// its checkpoint before it.
	if _, err := sh.app.Recovery.Pass(ctx); err != nil {
		t.Fatal(err)
	}
	if n := rentals(); n != 0 {
		t.Fatalf("%d rentals: a pass took a flow younger than the grace period", n)
	}

	sh.clock.Advance(sh.cfg.RecoveryGrace + time.Second)
	if _, err := sh.app.Recovery.Pass(ctx); err != nil {
		t.Fatal(err)
	}
	if n := rentals(); n != 2 {
		t.Fatalf("%d rentals after the recovery pass, want 2", n)
	}
	if items := sh.expect(http.StatusOK, call{method: "GET", path: "/cart", token: token})["items"].([]any); len(items) != 0 {
		t.Fatalf("cart after recovery: %v", items)
	}
	if got := balance(); got != 1_000_000-total {
		t.Fatalf("balance after recovery = %d, want %d", got, 1_000_000-total)
	}

	// Completing the flow twice is harmless: the client's retry and another pass find
	// the order done.
	order := sh.expect(http.StatusOK, checkout) // a replay
	if len(order["rentals"].([]any)) != 2 || num(order["balance"]) != 1_000_000-total {
		t.Fatalf("retry answered %v", order)
	}
	if _, err := sh.app.Recovery.Pass(ctx); err != nil {
		t.Fatal(err)
	}
	if got, n := balance(), rentals(); got != 1_000_000-total || n != 2 {
		t.Fatalf("after a retry and another pass: balance %d, %d rentals", got, n)
	}
}

// A flow that cannot be completed at start (its store keeps failing) used to stop the
// whole server at every start; now the shop starts, and the recovery loop completes
// the flow once the cause is gone.
func TestAFlowFailingAtStartDoesNotKeepTheShopDown(t *testing.T) {
	var failing atomic.Bool
	hook := func(step string) error {
		if step == "paid" && failing.Load() {
			return errors.New("injected store error")
		}
		return nil
	}
	sh := newShopOn(t, embedded, commands.WithStepHook(hook))
	sh.seed()
	token := sh.signUp("vera@example.ru")
	found := sh.expect(http.StatusOK, call{method: "GET", path: "/search/?q=" + urlq("маузер")})["items"].([]any)
	sh.expect(http.StatusCreated, call{method: "POST", path: "/billing/fill", token: token, key: "f", body: map[string]any{"summ": 1_000_000}})
	failing.Store(true)
	rent := call{method: "POST", path: "/rent/", token: token, key: "r", body: map[string]any{"id": found[0].(map[string]any)["id"], "period": 24}}
	if r := sh.do(rent); r.status < 500 {
		t.Fatalf("rent with a failing step: %d %s", r.status, r.raw)
	}

	sh.restart() // the flow still fails at start: open waits for the shop to be ready
	sh.expect(http.StatusOK, call{method: "GET", path: "/billing/amount/", token: token})

	failing.Store(false)
	sh.clock.Advance(sh.cfg.RecoveryGrace + time.Second)
	if _, err := sh.app.Recovery.Pass(context.Background()); err != nil {
		t.Fatal(err)
	}
	sh.settle()
	if n := len(sh.expect(http.StatusOK, call{method: "GET", path: "/me/premieres", token: token})["items"].([]any)); n != 1 {
		t.Fatalf("%d rentals after the cause went away and a pass ran, want 1", n)
	}
}
