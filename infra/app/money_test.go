package app_test

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/google/uuid"
)

// publish puts premieres on sale as an admin, at 1,000 kopecks an hour.
func (sh *shop) publish(n int) []string {
	sh.t.Helper()
	sh.signUp("admin@example.ru")
	sh.grant("admin@example.ru", "admin")
	admin := sh.signIn("admin@example.ru")
	ids := make([]string, n)
	for i := range ids {
		card := sh.expect(http.StatusCreated, call{method: "POST", path: "/admin/premieres", token: admin, body: map[string]any{
			"title": fmt.Sprintf("Премьера %d", i), "actors": []string{"Актёр"}, "description": "Спектакль",
			"theater_price": 300000, "online_price": 1000, "reservation_hours": 1, "discount_percent": 0}})
		ids[i] = card["id"].(string)
	}
	return ids
}

// Twenty concurrent checkouts of one cart with distinct keys, with money for many:
// one 201, nineteen 409s naming its order, one debit, the rentals once.
func TestConcurrentCheckoutsOfOneCartOverHTTP(t *testing.T) {
	sh := newShop(t)
	ids := sh.publish(2)
	token := sh.signUp("vera@example.ru")
	sh.expect(http.StatusCreated, call{method: "POST", path: "/billing/fill", token: token, key: "fund", body: map[string]any{"summ": 100_000}})
	for _, id := range ids {
		sh.expect(http.StatusCreated, call{method: "POST", path: "/cart/items", token: token, body: map[string]any{"premiere_id": id, "period": 2}})
	}

	replies := make(chan reply, 20)
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			replies <- sh.do(call{method: "POST", path: "/cart/checkout", token: token, key: uuid.NewString(), body: map[string]any{"expected_total": 4000}})
		})
	}
	wg.Wait()
	close(replies)
	var orders []map[string]any
	paidBy := map[string]int{}
	for r := range replies {
		switch r.status {
		case http.StatusCreated:
			orders = append(orders, r.json(t))
		case http.StatusConflict:
			p := r.json(t)
			if p["type"] != "urn:chance:problem:cart-already-paid" {
				t.Fatalf("409 of another kind: %s", r.raw)
			}
			paidBy[fmt.Sprint(p["order_id"])]++
		default:
			t.Fatalf("checkout: %d %s", r.status, r.raw)
		}
	}
	if len(orders) != 1 {
		t.Fatalf("%d checkouts answered 201, want 1", len(orders))
	}
	order := orders[0]
	if paidBy[order["order_id"].(string)] != 19 || len(paidBy) != 1 {
		t.Fatalf("409s by order: %v, want 19 naming %s", paidBy, order["order_id"])
	}
	for _, l := range order["rentals"].([]any) {
		if l.(map[string]any)["refunded"] == true {
			t.Fatalf("the order has a refunded line: %v", order)
		}
	}
	if got := num(sh.expect(http.StatusOK, call{method: "GET", path: "/billing/amount", token: token})["balance"]); got != 100_000-4000 {
		t.Fatalf("balance %d, want %d", got, 100_000-4000)
	}
	if got := sh.expect(http.StatusOK, call{method: "GET", path: "/me/premieres", token: token})["items"].([]any); len(got) != 2 {
		t.Fatalf("my premieres: %d, want 2", len(got))
	}
	history := sh.expect(http.StatusOK, call{method: "GET", path: "/billing/history", token: token})["items"].([]any)
	if len(history) != 2 { // the top-up and the one debit: no debit-and-refund pairs
		t.Fatalf("history: %v", history)
	}
}

// A rent the balance does not cover: a 402 naming the declined payment, which reads
// rejected; the same key after a top-up answers the same 402 and debits nothing; the
// customer is told; the customer's history and the audit show the attempt.
func TestDeclinedPaymentOverHTTP(t *testing.T) {
	sh := newShop(t)
	id := sh.publish(1)[0]
	sh.signUp("auditor@example.ru")
	sh.grant("auditor@example.ru", "auditor")
	auditor := sh.signIn("auditor@example.ru")
	token := sh.signUp("vera@example.ru")
	user := sh.expect(http.StatusOK, call{method: "GET", path: "/users", token: token})["id"].(string)
	sh.expect(http.StatusCreated, call{method: "POST", path: "/billing/fill", token: token, key: "fund", body: map[string]any{"summ": 500}})

	rent := call{method: "POST", path: "/rent", token: token, key: "rent-1", body: map[string]any{"id": id, "period": 2}}
	declined := sh.expect(http.StatusPaymentRequired, rent)
	payment, _ := declined["payment_id"].(string)
	if payment == "" || num(declined["needed"]) != 2000 || num(declined["balance"]) != 500 || num(declined["shortfall"]) != 1500 {
		t.Fatalf("402 %v", declined)
	}
	status := sh.expect(http.StatusOK, call{method: "GET", path: "/billing/status/" + payment, token: token})
	if status["status"] != "rejected" || !strings.Contains(status["reason"].(string), "insufficient funds") || num(status["amount"]) != 2000 {
		t.Fatalf("status of the declined payment %v", status)
	}

	sh.expect(http.StatusCreated, call{method: "POST", path: "/billing/fill", token: token, key: "fund-2", body: map[string]any{"summ": 10_000}})
	retry := sh.do(rent)
	if retry.status != http.StatusPaymentRequired || retry.header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("retry after a top-up: %d %v %s", retry.status, retry.header, retry.raw)
	}
	again := retry.json(t)
	if again["payment_id"] != payment || num(again["balance"]) != 500 || num(again["needed"]) != 2000 {
		t.Fatalf("retry after a top-up: %v, want the first 402 %v", again, declined)
	}
	if got := num(sh.expect(http.StatusOK, call{method: "GET", path: "/billing/amount", token: token})["balance"]); got != 10_500 {
		t.Fatalf("balance %d, want 10500: the retry must not debit", got)
	}
	if got := sh.expect(http.StatusOK, call{method: "GET", path: "/me/premieres", token: token})["items"].([]any); len(got) != 0 {
		t.Fatalf("my premieres after a declined rent: %v", got)
	}

	sh.settle()
	inbox := sh.expect(http.StatusOK, call{method: "GET", path: "/notifications", token: token})["items"].([]any)
	if !hasKind(inbox, "payment_declined") {
		t.Fatalf("inbox: %v", kinds(inbox))
	}
	for _, lines := range [][]any{
		sh.expect(http.StatusOK, call{method: "GET", path: "/billing/history", token: token})["items"].([]any),
		sh.expect(http.StatusOK, call{method: "GET", path: "/audit/billing?user_id=" + user, token: auditor})["items"].([]any),
	} {
		if len(lines) != 3 { // fill, the declined rent, fill
			t.Fatalf("history lines %v", lines)
		}
		d := lines[1].(map[string]any)
		if d["kind"] != "debit_declined" || d["payment_id"] != payment || num(d["amount"]) != -2000 || num(d["balance_after"]) != 500 {
			t.Fatalf("declined line %v", d)
		}
	}
}
