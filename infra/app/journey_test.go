package app_test

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestCustomerJourney walks DESIGN §1 through the API: search, card, quote, cart,
// checkout short of money, top-up, checkout, my premieres, term changes, cancel,
// notifications (purchase and reminder) and logout.
func TestCustomerJourney(t *testing.T) { customerJourney(t, newShop(t)) }

func customerJourney(t *testing.T, sh *shop) {
	ctx := context.Background()
	sh.seed()
	token := sh.signUp("anna@example.ru")

	// 1. Search finds «Маузер» in its word forms.
	found := sh.expect(http.StatusOK, call{method: "GET", path: "/search/?q=" + urlq("маузера"), token: token})
	if num(found["total"]) < 3 {
		t.Fatalf("search маузера found %v", found)
	}
	for _, q := range []string{"Маузер", "МАУЗЕР"} {
		if got := sh.expect(http.StatusOK, call{method: "GET", path: "/search/?q=" + urlq(q)}); num(got["total"]) != num(found["total"]) {
			t.Fatalf("search %s found %v, маузера found %v", q, got["total"], found["total"])
		}
	}
	items := found["items"].([]any)
	first := items[0].(map[string]any)
	second := items[1].(map[string]any)
	for _, field := range []string{"id", "title", "actors", "description", "theater_price", "online_price", "discount_percent", "reservation_hours", "currency"} {
		if _, ok := first[field]; !ok {
			t.Fatalf("card lacks %s: %v", field, first)
		}
	}
	a, b := first["id"].(string), second["id"].(string)

	// 2–3. The card and a quote.
	card := sh.expect(http.StatusOK, call{method: "GET", path: "/premiere/" + a})
	if card["title"] != first["title"] {
		t.Fatalf("card %v", card)
	}
	quote := sh.expect(http.StatusOK, call{method: "GET", path: "/rent/" + a + "?period=24"})
	priceA := num(quote["price"])
	if priceA <= 0 || quote["currency"] != "RUB" {
		t.Fatalf("quote %v", quote)
	}
	priceB := num(sh.expect(http.StatusOK, call{method: "GET", path: "/rent/" + b + "?period=48"})["price"])

	// 4. The cart: add two, change one, add and remove a third.
	sh.expect(http.StatusCreated, call{method: "POST", path: "/cart/items", token: token, body: map[string]any{"premiere_id": a, "period": 12}})
	tomorrow := start.Add(24 * time.Hour).Format(time.RFC3339)
	sh.expect(http.StatusCreated, call{method: "POST", path: "/cart/items", token: token, body: map[string]any{"premiere_id": b, "period": 48, "starts_at": tomorrow}})
	sh.expect(http.StatusOK, call{method: "PATCH", path: "/cart/items/" + a, token: token, body: map[string]any{"period": 24}})
	third := items[2].(map[string]any)["id"].(string)
	sh.expect(http.StatusCreated, call{method: "POST", path: "/cart/items", token: token, body: map[string]any{"premiere_id": third, "period": 5}})
	sh.expect(http.StatusOK, call{method: "DELETE", path: "/cart/items/" + third, token: token})
	cart := sh.expect(http.StatusOK, call{method: "GET", path: "/cart", token: token})
	total := priceA + priceB
	if len(cart["items"].([]any)) != 2 || num(cart["total"]) != total {
		t.Fatalf("cart %v, want total %d", cart, total)
	}

	// 5. Checkout with an empty balance: the form says how much is missing, paying is 402.
	form := sh.expect(http.StatusOK, call{method: "GET", path: "/cart/checkout", token: token})
	if form["sufficient"] != false || num(form["shortfall"]) != total || num(form["total"]) != total {
		t.Fatalf("checkout form %v", form)
	}
	short := sh.expect(http.StatusPaymentRequired, call{method: "POST", path: "/cart/checkout", token: token, key: "checkout-1", body: map[string]any{"expected_total": total}})
	if num(short["shortfall"]) != total || num(short["needed"]) != total {
		t.Fatalf("402 body %v", short)
	}
	fill := sh.expect(http.StatusCreated, call{method: "POST", path: "/billing/fill", token: token, key: "fill-1", body: map[string]any{"summ": total + 100_000}})
	if num(fill["balance"]) != total+100_000 {
		t.Fatalf("fill %v", fill)
	}
	form = sh.expect(http.StatusOK, call{method: "GET", path: "/cart/checkout", token: token})
	if form["sufficient"] != true || num(form["shortfall"]) != 0 {
		t.Fatalf("checkout form after top-up %v", form)
	}

	// 6. Checkout: one debit, two rentals, the cart empties.
	order := sh.expect(http.StatusCreated, call{method: "POST", path: "/cart/checkout", token: token, key: "checkout-2", body: map[string]any{"expected_total": total}})
	if len(order["rentals"].([]any)) != 2 || num(order["total"]) != total || num(order["balance"]) != 100_000 {
		t.Fatalf("checkout %v", order)
	}
	if got := sh.expect(http.StatusOK, call{method: "GET", path: "/cart", token: token}); len(got["items"].([]any)) != 0 {
		t.Fatalf("cart after checkout %v", got)
	}
	mine := sh.expect(http.StatusOK, call{method: "GET", path: "/me/premieres", token: token})["items"].([]any)
	if len(mine) != 2 {
		t.Fatalf("my premieres %v", mine)
	}
	term := sh.expect(http.StatusOK, call{method: "GET", path: "/premiere/" + a + "/term", token: token})
	if term["status"] != "active" || num(term["remaining_seconds"]) != 24*3600 {
		t.Fatalf("term %v", term)
	}
	rentalA := term["rental_id"].(string)
	upcoming := sh.expect(http.StatusOK, call{method: "GET", path: "/premiere/" + b + "/term", token: token})
	if upcoming["status"] != "upcoming" || num(upcoming["remaining_seconds"]) != 48*3600 {
		t.Fatalf("term of the upcoming rental %v", upcoming)
	}

	// 8. Change the term: extend (charged), then shorten (refunded), then cancel (refunded).
	balance := func() int64 {
		return num(sh.expect(http.StatusOK, call{method: "GET", path: "/billing/amount/", token: token})["balance"])
	}
	extendBy := num(sh.expect(http.StatusOK, call{method: "GET", path: "/rent/" + a + "?period=48"})["price"]) - priceA
	sh.expect(http.StatusOK, call{method: "POST", path: "/rent/" + rentalA + "/term", token: token, key: "extend", body: map[string]any{"period": 48}})
	if got := balance(); got != 100_000-extendBy {
		t.Fatalf("balance after extension %d, want %d", got, 100_000-extendBy)
	}
	sh.clock.Advance(90 * time.Minute) // two hours used
	sh.expect(http.StatusOK, call{method: "POST", path: "/rent/" + rentalA + "/term", token: token, key: "shorten", body: map[string]any{"period": 24}})
	if got := balance(); got != 100_000 {
		t.Fatalf("balance after shortening back %d, want 100000", got)
	}
	cancelled := sh.expect(http.StatusOK, call{method: "POST", path: "/rent/" + rentalB(t, sh, token, b) + "/cancel", token: token, key: "cancel-b"})
	_ = cancelled
	if got := balance(); got != 100_000+priceB {
		t.Fatalf("balance after cancelling the upcoming rental %d, want %d (full refund)", got, 100_000+priceB)
	}

	// The billing history has every movement.
	history := sh.expect(http.StatusOK, call{method: "GET", path: "/billing/history", token: token})["items"].([]any)
	if len(history) != 6 { // declined checkout, fill, checkout, extension, shortening refund, cancellation refund
		t.Fatalf("history has %d lines: %v", len(history), history)
	}

	// 6–7. Notifications: the purchase now, the reminder when the clock reaches it.
	sh.settle() // the inbox is filled by a sender, which reads never wait for
	inbox := sh.expect(http.StatusOK, call{method: "GET", path: "/notifications", token: token})["items"].([]any)
	if !hasKind(inbox, "purchase") || !hasKind(inbox, "welcome") || hasKind(inbox, "reminder") {
		t.Fatalf("inbox before the reminder: %v", kinds(inbox))
	}
	sh.clock.Set(start.Add(24*time.Hour - 6*time.Hour + time.Minute)) // a 24 h term is reminded 6 h before its end
	sh.settle()
	if n, err := sh.app.Scheduler.Tick(ctx); err != nil || n == 0 {
		t.Fatalf("scheduler issued %d, %v", n, err)
	}
	sh.settle()
	inbox = sh.expect(http.StatusOK, call{method: "GET", path: "/notifications", token: token})["items"].([]any)
	if !hasKind(inbox, "reminder") {
		t.Fatalf("inbox after the reminder: %v", kinds(inbox))
	}
	mails, _ := filepath.Glob(filepath.Join(sh.dir, "mail", "*reminder*.eml"))
	if len(mails) != 1 {
		t.Fatalf("reminder emails: %v", mails)
	}
	eml, _ := os.ReadFile(mails[0])
	if !strings.Contains(string(eml), "anna@example.ru") || !strings.Contains(string(eml), "charset=UTF-8") {
		t.Fatalf("reminder email:\n%s", eml)
	}

	// Logout: the token no longer opens anything.
	sh.expect(http.StatusNoContent, call{method: "POST", path: "/logout", token: token})
	sh.expect(http.StatusUnauthorized, call{method: "GET", path: "/users", token: token})
}

// rentalB finds the rental id of premiere b in my premieres.
func rentalB(t *testing.T, sh *shop, token, premiere string) string {
	t.Helper()
	return sh.expect(http.StatusOK, call{method: "GET", path: "/premiere/" + premiere + "/term", token: token})["rental_id"].(string)
}

func hasKind(items []any, kind string) bool {
	for _, k := range kinds(items) {
		if k == kind {
			return true
		}
	}
	return false
}

func kinds(items []any) []string {
	var out []string
	for _, it := range items {
		out = append(out, it.(map[string]any)["kind"].(string))
	}
	return out
}

func urlq(s string) string { return strings.ReplaceAll(urlEscape(s), " ", "+") }
