package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/google/uuid"
)

// No hour is given away: an admin cannot offer terms under which an hour costs less
// than a kopeck (publish, reprice or discount), so every added hour is charged. (A
// rental bought at such terms before this rule is refused a free extension by the
// rental decider.)
func TestNoHourIsGivenAway(t *testing.T) {
	h := newHarness(t)
	admin := h.withRole("admin", "admin")
	publish := func(online, hours, discount int) response {
		return h.post("/admin/premieres", admin, "", map[string]any{"title": "Маузер", "description": "Премьера",
			"theater_price": 300000, "online_price": online, "reservation_hours": hours, "discount_percent": discount})
	}
	publish(719, 720, 0).problem(t, http.StatusBadRequest, "at least 1 kopeck")
	id := publish(720, 720, 0).want(t, http.StatusCreated).str("id")
	h.send(req{Method: http.MethodPatch, Path: "/admin/premieres/" + id, Token: admin, Body: map[string]any{"discount_percent": 1}}).
		problem(t, http.StatusBadRequest, "at least 1 kopeck")
	h.send(req{Method: http.MethodPatch, Path: "/admin/premieres/" + id, Token: admin, Body: map[string]any{"online_price": 700}}).
		problem(t, http.StatusBadRequest, "at least 1 kopeck")

	token, _ := h.customer("vera")
	h.fill(token, 1_000)
	rental := h.post("/rent/", token, "rent", map[string]any{"id": id, "period": 4}).want(t, http.StatusCreated)
	if rental.num("price") != 4 {
		t.Fatalf("4 h at a kopeck an hour cost %d", rental.num("price"))
	}
	h.post("/rent/"+rental.str("rental_id")+"/term", token, "one-more", map[string]any{"period": 5}).want(t, http.StatusOK)
	if b := h.balance(token); b != 995 {
		t.Fatalf("balance %d after extending 4 h to 5 h, want 995", b)
	}
}

// What a hostile customer tries from outside: other customers' ids, replayed keys
// with changed bodies, out-of-range numbers. Each is a clear 4xx that moves nothing.
func TestAttacksFromOutside(t *testing.T) {
	h := newHarness(t)
	vera, _ := h.customer("vera")
	ivan, _ := h.customer("ivan")
	mauser := h.publish("Маузер", nil, 24000, 24, 0)
	chaika := h.publish("Чайка", nil, 24000, 24, 0)
	h.fill(vera, 100_000)
	h.fill(ivan, 100_000)
	rental := h.post("/rent/", vera, "vera-rent", map[string]any{"id": mauser, "period": 24}).want(t, http.StatusCreated)
	w := h.post("/billing/withdraw/", vera, "vera-w", map[string]any{"id": chaika, "summ": 24000, "period": 24}).want(t, http.StatusCreated)

	// Another customer's rental and withdrawal are unknown to ivan.
	h.post("/rent/"+rental.str("rental_id")+"/term", ivan, "i1", map[string]any{"period": 48}).problem(t, http.StatusNotFound)
	h.post("/rent/"+rental.str("rental_id")+"/cancel", ivan, "i2", nil).problem(t, http.StatusNotFound)
	h.post("/rentals/"+rental.str("rental_id")+"/watch", ivan, "", nil).problem(t, http.StatusNotFound)
	h.get("/billing/status/"+w.str("payment_id"), ivan).problem(t, http.StatusNotFound)
	h.post("/rent/", ivan, "i3", map[string]any{"id": chaika, "period": 24, "payment_id": w.str("payment_id")}).problem(t, http.StatusNotFound)

	// A key replayed with another body is 422, whatever the endpoint.
	h.post("/rent/", vera, "vera-rent", map[string]any{"id": chaika, "period": 24}).problem(t, http.StatusUnprocessableEntity)
	h.post("/billing/withdraw/", vera, "vera-w", map[string]any{"id": chaika, "summ": 48000, "period": 48}).problem(t, http.StatusUnprocessableEntity)
	h.post("/billing/fill", vera, "vera-w", map[string]any{"summ": 24000}).problem(t, http.StatusUnprocessableEntity)
	h.post("/rent/"+rental.str("rental_id")+"/term", vera, "vera-rent", map[string]any{"period": 48}).problem(t, http.StatusUnprocessableEntity)

	// Numbers out of range, of the wrong type or overflowing.
	for _, body := range []string{
		`{"summ": -1}`, `{"summ": 0}`, `{"summ": 100000001}`, `{"summ": 9223372036854775808}`, `{"summ": 1e30}`,
		`{"summ": 10.5}`, `{"summ": "100"}`, `{"summ": null}`,
	} {
		h.post("/billing/fill", vera, uuid.NewString(), body).problem(t, http.StatusBadRequest)
	}
	for _, period := range []string{`0`, `-1`, `721`, `2147483648`, `9223372036854775808`, `1.5`, `"24"`} {
		h.post("/rent/", vera, uuid.NewString(), `{"id":"`+chaika.String()+`","period":`+period+`}`).problem(t, http.StatusBadRequest)
		h.post("/rent/"+rental.str("rental_id")+"/term", vera, uuid.NewString(), `{"period":`+period+`}`).problem(t, http.StatusBadRequest)
		h.post("/cart/items", vera, "", `{"premiere_id":"`+chaika.String()+`","period":`+period+`}`).problem(t, http.StatusBadRequest)
	}
	h.post("/cart/checkout", vera, uuid.NewString(), `{"expected_total": -5}`).problem(t, http.StatusBadRequest)
	// A body over a megabyte is refused before it is decoded.
	h.post("/billing/fill", vera, uuid.NewString(), `{"summ": 1`+strings.Repeat(" ", 2<<20)+`}`).problem(t, http.StatusBadRequest, "larger than")

	if b := h.balance(vera); b != 100_000-24_000-24_000 {
		t.Fatalf("vera's balance %d: an attack moved money", b)
	}
	if b := h.balance(ivan); b != 100_000 {
		t.Fatalf("ivan's balance %d: an attack moved money", b)
	}
}
