package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/google/uuid"
)

// A required field that is missing (or null) is named as missing: read as 0 it was
// blamed as out of range ("period must be … from 1 to 720, got 0"), which sent the
// customer looking for a 0 they never sent. An explicit 0 is still out of range.
// Nothing is charged and nothing lands in the cart.
func TestMissingPeriodOrAmountIsNamed(t *testing.T) {
	h := newHarness(t)
	token, _ := h.customer("vera")
	h.fill(token, 100000)
	film := h.publish("Маузер", nil, 50000, 48, 0)
	rental := h.post("/rent", token, uuid.NewString(), map[string]any{"id": film, "period": 5}).want(t, http.StatusCreated).str("rental_id")
	other := h.publish("Чайка", nil, 30000, 24, 0)
	id := `"` + other.String() + `"`
	for _, tc := range []struct {
		name, method, path, body string
		money                    bool // needs an Idempotency-Key
		detailHas                []string
	}{
		{"rent without period", http.MethodPost, "/rent/", `{"id":` + id + `}`, true, []string{"period is required"}},
		{"rent with null period", http.MethodPost, "/rent/", `{"id":` + id + `,"period":null}`, true, []string{"period is required"}},
		{"rent with period 0", http.MethodPost, "/rent/", `{"id":` + id + `,"period":0}`, true, []string{"period must be", "from 1 to 720, got 0"}},
		{"rent without id", http.MethodPost, "/rent/", `{"period":5}`, true, []string{"id is required"}},
		{"term without period", http.MethodPost, "/rent/" + rental + "/term", `{}`, true, []string{"period is required"}},
		{"term with period 721", http.MethodPost, "/rent/" + rental + "/term", `{"period":721}`, true, []string{"from 1 to 720, got 721"}},
		{"cart item without period", http.MethodPost, "/cart/items", `{"premiere_id":` + id + `}`, false, []string{"period is required"}},
		{"cart item without premiere", http.MethodPost, "/cart/items", `{"period":5}`, false, []string{"premiere_id is required"}},
		{"cart change without period", http.MethodPatch, "/cart/items/" + other.String(), `{"starts_at":"2026-12-02T18:00:00Z"}`, false, []string{"period is required"}},
		{"checkout without expected_total", http.MethodPost, "/cart/checkout", `{}`, true, []string{"expected_total is required"}},
		{"fill without summ", http.MethodPost, "/billing/fill", `{}`, true, []string{"summ is required"}},
		{"fill with null summ", http.MethodPost, "/billing/fill", `{"summ":null}`, true, []string{"summ is required"}},
		{"fill with summ 0", http.MethodPost, "/billing/fill", `{"summ":0}`, true, []string{"summ must be", "from 1 to", "got 0"}},
		{"withdraw without summ", http.MethodPost, "/billing/withdraw/", `{"id":` + id + `,"period":5}`, true, []string{"summ is required"}},
		{"withdraw without period", http.MethodPost, "/billing/withdraw/", `{"id":` + id + `,"summ":6250}`, true, []string{"period is required"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := req{Method: tc.method, Path: tc.path, Token: token, Body: tc.body}
			if tc.money {
				r.Key = uuid.NewString()
			}
			p := h.send(r).problem(t, http.StatusBadRequest, tc.detailHas...)
			if strings.Contains(tc.detailHas[0], "is required") && strings.Contains(p.str("detail"), "got 0") {
				t.Fatalf("a missing field is blamed as out of range: %s", p.Raw)
			}
		})
	}
	if got := h.balance(token); got != 100000-5208 {
		t.Fatalf("balance %d, want %d: a refused request moved money", got, 100000-5208)
	}
	if items := h.get("/cart", token).want(t, http.StatusOK).items(t); len(items) != 0 {
		t.Fatalf("cart %v, want empty", items)
	}
	// The quote names its missing query parameter the same way.
	h.get("/rent/"+film.String(), "").problem(t, http.StatusBadRequest, "period is required")
	h.get("/rent/"+film.String()+"?period=", "").problem(t, http.StatusBadRequest, "period is required")
	h.get("/rent/"+film.String()+"?period=0", "").problem(t, http.StatusBadRequest, "from 1 to 720, got 0")

	// So does signing up: each field by name, before any costly work.
	for _, tc := range []struct{ body, detail string }{
		{`{}`, "email is required"},
		{`{"email":"nina@example.ru"}`, "password is required"},
		{`{"email":"nina@example.ru","password":"correct horse"}`, "first_name is required"},
		{`{"email":"nina@example.ru","password":"correct horse","first_name":"Нина","last_name":"  "}`, "last_name is required"},
	} {
		h.post("/register", "", "", tc.body).problem(t, http.StatusBadRequest, tc.detail)
	}
	h.post("/login", "", "", `{"email":"nina@example.ru","password":"correct horse"}`).want(t, http.StatusUnauthorized)

	// So does publishing a premiere, and an explicit 0 names its own field.
	admin := h.withRole("vlad", "admin")
	for _, tc := range []struct{ body, detail string }{
		{`{"online_price":1000,"reservation_hours":24}`, "title is required"},
		{`{"title":"Нос","reservation_hours":24}`, "online_price is required"},
		{`{"title":"Нос","online_price":null,"reservation_hours":24}`, "online_price is required"},
		{`{"title":"Нос","online_price":1000}`, "reservation_hours is required"},
		{`{"title":"Нос","online_price":0,"reservation_hours":24}`, "online_price must be a whole number of kopecks from 1 to 100000000, got 0"},
		{`{"title":"Нос","online_price":1000,"reservation_hours":0}`, "reservation_hours must be a whole number of hours from 1 to 720, got 0"},
	} {
		h.send(req{Method: http.MethodPost, Path: "/admin/premieres", Token: admin, Body: tc.body}).problem(t, http.StatusBadRequest, tc.detail)
	}
	if found := h.get("/search?q=Нос", admin).want(t, http.StatusOK); found.num("total") != 0 {
		t.Fatalf("a refused card was published: %s", found.Raw)
	}
}
