package app_test

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"testing"

	"github.com/google/uuid"

	"github.com/chance-video/chance/readmodel/all"
)

// snapshot is what a customer sees: balance, my premieres, history, inbox, search.
func snapshot(t *testing.T, sh *shop, token string) string {
	t.Helper()
	var out string
	for _, path := range []string{"/billing/amount", "/me/premieres?status=all", "/billing/history", "/notifications", "/users", "/cart", "/search/?q=" + urlq("маузер")} {
		r := sh.do(call{method: "GET", path: path, token: token})
		if r.status != http.StatusOK {
			t.Fatalf("GET %s: %d %s", path, r.status, r.raw)
		}
		out += path + " " + string(r.raw) + "\n"
	}
	return out
}

// journeyState makes a customer with a balance, a rental and a cart item.
func journeyState(t *testing.T, sh *shop) (token string) {
	t.Helper()
	sh.seed()
	token = sh.signUp("boris@example.ru")
	found := sh.expect(http.StatusOK, call{method: "GET", path: "/search/?q=" + urlq("маузер")})["items"].([]any)
	first, second := found[0].(map[string]any)["id"].(string), found[1].(map[string]any)["id"].(string)
	sh.expect(http.StatusCreated, call{method: "POST", path: "/billing/fill", token: token, key: "f1", body: map[string]any{"summ": 500_000}})
	sh.expect(http.StatusCreated, call{method: "POST", path: "/rent", token: token, key: "r1", body: map[string]any{"id": first, "period": 24}})
	sh.expect(http.StatusCreated, call{method: "POST", path: "/cart/items", token: token, body: map[string]any{"premiere_id": second, "period": 12}})
	sh.settle()
	return token
}

func TestRestartKeepsEverythingIncludingTokens(t *testing.T) {
	sh := newShop(t)
	token := journeyState(t, sh)
	before := snapshot(t, sh, token)
	sh.restart()
	sh.settle()
	if after := snapshot(t, sh, token); after != before {
		t.Fatalf("state changed across a restart:\nbefore:\n%s\nafter:\n%s", before, after)
	}
}

func TestReplayKeepsState(t *testing.T) {
	sh := newShop(t)
	token := journeyState(t, sh)
	before := snapshot(t, sh, token)
	for _, p := range all.Projectors() {
		if err := sh.app.Runner.Rebuild(context.Background(), p.Name(), nil); err != nil {
			t.Fatalf("rebuild %s: %v", p.Name(), err)
		}
	}
	sh.settle()
	if after := snapshot(t, sh, token); after != before {
		t.Fatalf("state changed across a replay:\nbefore:\n%s\nafter:\n%s", before, after)
	}
	// And the rebuilt projections keep following the log.
	sh.expect(http.StatusCreated, call{method: "POST", path: "/billing/fill", token: token, key: "after-replay", body: map[string]any{"summ": 100}})
	if got := num(sh.expect(http.StatusOK, call{method: "GET", path: "/billing/amount", token: token})["balance"]); got <= 0 {
		t.Fatalf("balance after replay %d", got)
	}
}

// Twenty concurrent rents on a balance that pays for five: exactly five succeed.
func TestConcurrentRentsOverHTTP(t *testing.T) {
	sh := newShop(t)
	sh.signUp("admin@example.ru")
	sh.grant("admin@example.ru", "admin")
	admin := sh.signIn("admin@example.ru")
	ids := make([]string, 20)
	for i := range ids {
		card := sh.expect(http.StatusCreated, call{method: "POST", path: "/admin/premieres", token: admin, body: map[string]any{
			"title": fmt.Sprintf("Премьера %d", i), "actors": []string{"Актёр"}, "description": "Спектакль",
			"theater_price": 300000, "online_price": 1000, "reservation_hours": 1, "discount_percent": 0}})
		ids[i] = card["id"].(string)
	}
	token := sh.signUp("vera@example.ru")
	sh.expect(http.StatusCreated, call{method: "POST", path: "/billing/fill", token: token, key: "fund", body: map[string]any{"summ": 5 * 1000}})

	statuses := make(chan int, len(ids))
	var wg sync.WaitGroup
	for _, id := range ids {
		wg.Go(func() {
			r := sh.do(call{method: "POST", path: "/rent", token: token, key: uuid.NewString(), body: map[string]any{"id": id, "period": 1}})
			statuses <- r.status
		})
	}
	wg.Wait()
	close(statuses)
	counts := map[int]int{}
	for s := range statuses {
		counts[s]++
	}
	if counts[http.StatusCreated] != 5 || counts[http.StatusPaymentRequired] != 15 {
		t.Fatalf("statuses %v, want 5 × 201 and 15 × 402", counts)
	}
	if got := num(sh.expect(http.StatusOK, call{method: "GET", path: "/billing/amount", token: token})["balance"]); got != 0 {
		t.Fatalf("balance %d, want 0", got)
	}
	if got := sh.expect(http.StatusOK, call{method: "GET", path: "/me/premieres", token: token})["items"].([]any); len(got) != 5 {
		t.Fatalf("my premieres: %d, want 5", len(got))
	}
}

// A retried fill or rent with the same key moves money once.
func TestRetriesMoveMoneyOnce(t *testing.T) {
	sh := newShop(t)
	sh.seed()
	token := sh.signUp("gleb@example.ru")
	id := sh.expect(http.StatusOK, call{method: "GET", path: "/search/?q=" + urlq("маузер")})["items"].([]any)[0].(map[string]any)["id"].(string)
	for range 3 {
		sh.do(call{method: "POST", path: "/billing/fill", token: token, key: "same-fill", body: map[string]any{"summ": 100_000}})
	}
	var rentals []string
	for range 3 {
		r := sh.do(call{method: "POST", path: "/rent", token: token, key: "same-rent", body: map[string]any{"id": id, "period": 24}})
		rentals = append(rentals, r.json(t)["rental_id"].(string))
	}
	if rentals[0] != rentals[1] || rentals[1] != rentals[2] {
		t.Fatalf("retries created different rentals: %v", rentals)
	}
	price := num(sh.expect(http.StatusOK, call{method: "GET", path: "/rent/" + id + "?period=24"})["price"])
	if got := num(sh.expect(http.StatusOK, call{method: "GET", path: "/billing/amount", token: token})["balance"]); got != 100_000-price {
		t.Fatalf("balance %d, want %d", got, 100_000-price)
	}
	if h := sh.expect(http.StatusOK, call{method: "GET", path: "/billing/history", token: token})["items"].([]any); len(h) != 2 {
		t.Fatalf("history has %d lines, want a fill and a debit", len(h))
	}
}
