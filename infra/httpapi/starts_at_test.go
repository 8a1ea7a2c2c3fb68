package httpapi_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/google/uuid"
)

// An explicit start the shop cannot mean is a 400 naming starts_at, for a rent and a
// cart item alike (issue 7: 0001-01-01 silently meant "now"). An absent start still
// means now.
func TestStartsAtMustBeAStartTheShopCanMean(t *testing.T) {
	h := newHarness(t)
	token, _ := h.customer("rita")
	h.fill(token, 100000)
	film := h.publish("Маузер", nil, 50000, 48, 0)
	for _, tc := range []struct {
		name, startsAt string
		detailHas      []string
	}{
		{"the zero time", "0001-01-01T00:00:00Z", []string{"starts_at", "in the past", "leave starts_at out"}},
		{"before 1970", "1969-07-20T20:17:00Z", []string{"starts_at", "in the past"}},
		{"yesterday", start.Add(-24 * time.Hour).Format(time.RFC3339), []string{"starts_at", "in the past"}},
		{"beyond the booking window", start.Add(31 * 24 * time.Hour).Format(time.RFC3339), []string{"starts_at", "30 days ahead"}},
		{"far future", "9999-12-31T23:59:59Z", []string{"starts_at", "before 2200"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h.post("/rent", token, uuid.NewString(), map[string]any{"id": film, "period": 12, "starts_at": tc.startsAt}).
				problem(t, http.StatusBadRequest, tc.detailHas...)
			h.post("/cart/items", token, "", map[string]any{"premiere_id": film, "period": 12, "starts_at": tc.startsAt}).
				problem(t, http.StatusBadRequest, tc.detailHas...)
		})
	}
	if got := h.balance(token); got != 100000 {
		t.Fatalf("balance %d after refused rents", got)
	}
	if items := h.get("/cart", token).want(t, http.StatusOK).items(t); len(items) != 0 {
		t.Fatalf("refused items are in the cart: %v", items)
	}
	rent := h.post("/rent", token, uuid.NewString(), map[string]any{"id": film, "period": 12}).want(t, http.StatusCreated)
	if rent.str("starts_at") != start.Format(time.RFC3339) {
		t.Fatalf("a rent without starts_at starts at %s, want now (%s)", rent.str("starts_at"), start.Format(time.RFC3339))
	}
}
