package httpapi_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/commands"
)

func TestRentWatchChangeAndCancel(t *testing.T) {
	h := newHarness(t)
	token, _ := h.customer("olga")
	film := h.publish("Маузер", []string{"Евгений Миронов"}, 48000, 48, 0) // 1000 kopecks an hour

	quote := h.get("/rent/"+film.String()+"?period=12", "").want(t, http.StatusOK)
	if quote.num("price") != 12000 || quote.num("period") != 12 || quote.str("currency") != "RUB" {
		t.Fatalf("quote = %s", quote.Raw)
	}
	short := h.post("/rent/", token, uuid.NewString(), map[string]any{"id": film, "period": 12}).problem(t, http.StatusPaymentRequired, "top up")
	if short.num("balance") != 0 || short.num("needed") != 12000 || short.num("shortfall") != 12000 {
		t.Fatalf("402 = %s", short.Raw)
	}
	h.fill(token, 20000)

	rent := h.post("/rent/", token, uuid.NewString(), map[string]any{"id": film, "period": 12}).want(t, http.StatusCreated)
	if rent.num("price") != 12000 || rent.num("balance") != 8000 || rent.str("premiere_id") != film.String() ||
		rent.str("starts_at") != start.Format(time.RFC3339) || rent.str("expires_at") != start.Add(12*time.Hour).Format(time.RFC3339) {
		t.Fatalf("rent = %s", rent.Raw)
	}
	rental := rent.str("rental_id")
	again := h.post("/rent", token, uuid.NewString(), map[string]any{"id": film, "period": 5}).problem(t, http.StatusConflict, "change its term")
	if again.str("rental_id") != rental {
		t.Fatalf("409 points to the rental held: %s", again.Raw)
	}

	// Read-your-writes: the very next reads show the rental and the new balance.
	term := h.get("/premiere/"+film.String()+"/term", token).want(t, http.StatusOK)
	if term.str("rental_id") != rental || term.str("status") != "active" || term.num("remaining_seconds") != 12*3600 {
		t.Fatalf("term = %s", term.Raw)
	}
	if got := h.balance(token); got != 8000 {
		t.Fatalf("balance %d, want 8000", got)
	}
	h.clock.Advance(90 * time.Minute)
	mine := h.get("/me/premieres", token).want(t, http.StatusOK).items(t)
	if len(mine) != 1 || mine[0]["remaining_seconds"] != float64(12*3600-90*60) || mine[0]["title"] != "Маузер" {
		t.Fatalf("my premieres = %v", mine)
	}

	longer := h.post("/rent/"+rental+"/term", token, uuid.NewString(), map[string]any{"period": 15}).want(t, http.StatusOK)
	if longer.num("charged") != 3000 || longer.num("balance") != 5000 || longer.num("period") != 15 {
		t.Fatalf("extension = %s", longer.Raw)
	}
	h.post("/rent/"+rental+"/term/", token, uuid.NewString(), map[string]any{"period": 100}).
		problem(t, http.StatusPaymentRequired).want(t, http.StatusPaymentRequired)

	// 90 minutes in: two started hours are used, 13 of 15 come back.
	cancelled := h.post("/rent/"+rental+"/cancel/", token, uuid.NewString(), nil).want(t, http.StatusOK)
	if cancelled.str("status") != "cancelled" || cancelled.num("refunded") != 13000 || cancelled.num("balance") != 18000 {
		t.Fatalf("cancel = %s", cancelled.Raw)
	}
	h.get("/premiere/"+film.String()+"/term", token).problem(t, http.StatusNotFound)
	all := h.get("/me/premieres?status=all", token).want(t, http.StatusOK).items(t)
	if len(all) != 1 || all[0]["status"] != "cancelled" {
		t.Fatalf("all = %v", all)
	}
	history := h.get("/billing/history", token).want(t, http.StatusOK).items(t)
	if len(history) != 6 { // declined rent, top-up, rent, extension, declined extension, refund
		t.Fatalf("history = %v", history)
	}
	for _, i := range []int{0, 4} { // the declined debits: the amount asked, the balance left as it was
		d, before := history[i], float64(0)
		if i > 0 {
			before = history[i-1]["balance_after"].(float64)
		}
		if d["kind"] != "debit_declined" || d["amount"] == float64(0) || d["balance_after"] != before {
			t.Fatalf("declined line %d = %v", i, d)
		}
	}
	last := history[5]
	if last["kind"] != "refund" || last["amount"] != float64(13000) || last["balance_after"] != float64(18000) || last["rental_id"] != rental {
		t.Fatalf("last history line = %v", last)
	}
}

func TestAnotherCustomersRentalAndPaymentAreNotFound(t *testing.T) {
	h := newHarness(t)
	owner, _ := h.customer("pavel")
	thief, _ := h.customer("rita")
	h.fill(owner, 5000)
	h.fill(thief, 5000)
	film := h.publish("Маузер", nil, 1000, 10, 0)
	rent := h.post("/rent", owner, uuid.NewString(), map[string]any{"id": film, "period": 10}).want(t, http.StatusCreated)
	rental, payment := rent.str("rental_id"), rent.str("payment_id")

	h.post("/rent/"+rental+"/term", thief, uuid.NewString(), map[string]any{"period": 2}).problem(t, http.StatusNotFound, "rental not found")
	h.post("/rent/"+rental+"/cancel", thief, uuid.NewString(), nil).problem(t, http.StatusNotFound, "rental not found")
	h.get("/billing/status/"+payment, thief).problem(t, http.StatusNotFound)
	h.get("/premiere/"+film.String()+"/term", thief).problem(t, http.StatusNotFound)
	if got := h.balance(thief); got != 5000 {
		t.Fatalf("thief's balance %d", got)
	}
	h.get("/billing/status/"+payment, owner).want(t, http.StatusOK)
	h.get("/premiere/"+film.String()+"/term", owner).want(t, http.StatusOK)
}

func TestWithdrawThenRedeem(t *testing.T) {
	h := newHarness(t)
	token, _ := h.customer("sasha")
	h.fill(token, 5000)
	film := h.publish("Маузер", nil, 1000, 10, 0)
	h.post("/billing/withdraw/", token, uuid.NewString(), map[string]any{"id": film, "summ": 999, "period": 10}).
		problem(t, http.StatusConflict, "1000")
	w := h.post("/billing/withdraw/", token, uuid.NewString(), map[string]any{"id": film, "summ": 1000, "period": 10}).want(t, http.StatusCreated)
	if w.str("status") != "succeeded" || w.num("amount") != 1000 || w.num("balance") != 4000 {
		t.Fatalf("withdraw = %s", w.Raw)
	}
	rent := h.post("/rent/", token, uuid.NewString(), map[string]any{"id": film, "period": 10, "payment_id": w.str("payment_id")}).
		want(t, http.StatusCreated)
	if rent.num("balance") != 4000 || rent.str("withdrawal_id") != w.str("payment_id") {
		t.Fatalf("redeeming rent = %s", rent.Raw)
	}
}

func TestCartAndCheckout(t *testing.T) {
	h := newHarness(t)
	token, _ := h.customer("tanya")
	a := h.publish("Маузер", nil, 1000, 10, 0)
	b := h.publish("Чайка", nil, 2000, 10, 0)
	later := start.Add(24 * time.Hour).Format(time.RFC3339)

	cart := h.post("/cart/items", token, "", map[string]any{"premiere_id": a, "period": 10}).want(t, http.StatusCreated)
	if cart.num("total") != 1000 {
		t.Fatalf("cart = %s", cart.Raw)
	}
	h.post("/cart/items/", token, "", map[string]any{"premiere_id": b, "period": 5, "starts_at": later}).want(t, http.StatusCreated)
	cart = h.send(req{Method: http.MethodPatch, Path: "/cart/items/" + b.String(), Token: token, Body: map[string]any{"period": 10, "starts_at": later}}).
		want(t, http.StatusOK)
	if cart.num("total") != 3000 || len(cart.items(t)) != 2 || cart.items(t)[1]["starts_at"] != later {
		t.Fatalf("cart after change = %s", cart.Raw)
	}
	h.send(req{Method: http.MethodPatch, Path: "/cart/items/" + uuid.NewString(), Token: token, Body: `{"period": 2}`}).problem(t, http.StatusNotFound)

	form := h.get("/cart/checkout", token).want(t, http.StatusOK)
	if form.num("total") != 3000 || form.JSON["sufficient"] != false || form.num("shortfall") != 3000 || len(form.items(t)) != 2 {
		t.Fatalf("checkout form = %s", form.Raw)
	}
	short := h.post("/cart/checkout", token, uuid.NewString(), map[string]any{"expected_total": 3000}).problem(t, http.StatusPaymentRequired)
	if short.num("shortfall") != 3000 {
		t.Fatalf("402 = %s", short.Raw)
	}
	h.fill(token, 3500)
	changed := h.post("/cart/checkout", token, uuid.NewString(), map[string]any{"expected_total": 2500}).problem(t, http.StatusConflict, "3000")
	if changed.num("total") != 3000 {
		t.Fatalf("409 carries the new total: %s", changed.Raw)
	}
	done := h.post("/cart/checkout/", token, uuid.NewString(), map[string]any{"expected_total": 3000}).want(t, http.StatusCreated)
	if done.num("total") != 3000 || done.num("balance") != 500 || len(done.JSON["rentals"].([]any)) != 2 || done.str("order_id") != done.str("payment_id") {
		t.Fatalf("checkout = %s", done.Raw)
	}
	if left := h.get("/cart", token).want(t, http.StatusOK); len(left.items(t)) != 0 || left.num("total") != 0 {
		t.Fatalf("cart after checkout = %s", left.Raw)
	}
	mine := h.get("/me/premieres", token).want(t, http.StatusOK).items(t)
	if len(mine) != 2 || mine[0]["status"] != "upcoming" || mine[1]["status"] != "active" {
		t.Fatalf("my premieres = %v", mine)
	}
	h.post("/cart/items", token, "", map[string]any{"premiere_id": a, "period": 10}).want(t, http.StatusCreated)
	h.send(req{Method: http.MethodDelete, Path: "/cart/items/" + a.String(), Token: token}).want(t, http.StatusOK)
}

// A cancellation whose refund is zero (the one hour bought has started) moves no money:
// the answer names no payment, the refund is 0, no refund event is appended, the
// history has no refund line and the key's retry answers the same.
func TestCancelWithZeroRefundNamesNoPayment(t *testing.T) {
	h := newHarness(t)
	token, user := h.customer("zoya")
	film := h.publish("Маузер", nil, 24000, 24, 0) // 1000 kopecks an hour
	h.fill(token, 5000)
	rent := h.post("/rent/", token, uuid.NewString(), map[string]any{"id": film, "period": 1}).want(t, http.StatusCreated)
	rental := rent.str("rental_id")
	h.clock.Advance(10 * time.Minute) // the only hour has started: all of it is used

	key := uuid.NewString()
	for _, try := range []string{"first", "retry"} {
		cancelled := h.post("/rent/"+rental+"/cancel", token, key, nil).want(t, http.StatusOK)
		if cancelled.str("status") != "cancelled" || cancelled.num("refunded") != 0 || cancelled.num("balance") != 4000 ||
			cancelled.JSON["payment_id"] != nil {
			t.Fatalf("%s cancel = %s", try, cancelled.Raw)
		}
	}
	h.get("/billing/status/"+commands.PaymentID(user, key).String(), token).problem(t, http.StatusNotFound)
	for _, line := range h.get("/billing/history", token).want(t, http.StatusOK).items(t) {
		if line["kind"] == "refund" {
			t.Errorf("a refund line for a zero refund: %v", line)
		}
	}
	records, err := h.events.ReadStream(t.Context(), "account-"+user.String(), 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range records {
		if r.Type == "account.funds_refunded.v1" {
			t.Errorf("a refund event for a zero refund: %s", r.Data)
		}
	}
}
