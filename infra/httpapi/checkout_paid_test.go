package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/google/uuid"
)

// Opening the checkout form of a cart that was just paid for (the answer was lost,
// or a second tab) is a 409 cart-already-paid that tells what happened and where to
// look: the order and its payment, my premieres. It no longer says "nothing was
// charged for this request", which reads, on a form that never charges, as if the
// order had failed. A second POST says nothing was charged, naming the same order.
// Once the cart holds something new, the form is an ordinary form again.
func TestCheckoutFormOfAPaidCartNamesTheOrder(t *testing.T) {
	h := newHarness(t)
	token, _ := h.customer("yana")
	film := h.publish("Маузер", nil, 1000, 10, 0)
	other := h.publish("Чайка", nil, 2000, 10, 0)
	h.fill(token, 10000)

	// An empty cart that was never paid for has nothing to confirm.
	h.get("/cart/checkout", token).problem(t, http.StatusConflict, "the cart is empty", "add a premiere")

	h.post("/cart/items", token, "", map[string]any{"premiere_id": film, "period": 10}).want(t, http.StatusCreated)
	form := h.get("/cart/checkout", token).want(t, http.StatusOK)
	done := h.post("/cart/checkout", token, uuid.NewString(), map[string]any{"expected_total": form.num("total")}).want(t, http.StatusCreated)
	order := done.str("order_id")

	paid := h.get("/cart/checkout", token).problem(t, http.StatusConflict, "already paid for by order "+order,
		"/me/premieres", "/billing/status/"+order, "add premieres to the cart")
	if paid.str("type") != "urn:chance:problem:cart-already-paid" || paid.str("order_id") != order || paid.str("payment_id") != order {
		t.Fatalf("form of a paid cart = %s", paid.Raw)
	}
	if detail := paid.str("detail"); strings.Contains(detail, "nothing was charged") {
		t.Fatalf("the form speaks of a charge it never makes: %q", detail)
	}
	again := h.post("/cart/checkout", token, uuid.NewString(), map[string]any{"expected_total": form.num("total")}).
		problem(t, http.StatusConflict, "already paid for by order "+order, "nothing was charged for this request")
	if again.str("type") != "urn:chance:problem:cart-already-paid" || again.str("order_id") != order {
		t.Fatalf("second checkout = %s", again.Raw)
	}
	if got := h.balance(token); got != 9000 {
		t.Fatalf("balance %d, want 9000: one checkout of 1000", got)
	}
	if status := h.get("/billing/status/"+order, token).want(t, http.StatusOK); status.str("status") != "succeeded" || status.num("amount") != 1000 {
		t.Fatalf("the order's payment = %s", status.Raw)
	}

	h.post("/cart/items", token, "", map[string]any{"premiere_id": other, "period": 5}).want(t, http.StatusCreated)
	if next := h.get("/cart/checkout", token).want(t, http.StatusOK); next.num("total") != 1000 || len(next.items(t)) != 1 {
		t.Fatalf("form of the next cart = %s", next.Raw)
	}
}
