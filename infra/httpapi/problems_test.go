package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/google/uuid"
)

// Every bad input gets a 400 problem saying what is wrong, and changes nothing.
func TestBadInputIsRefusedAndChangesNothing(t *testing.T) {
	h := newHarness(t)
	token, _ := h.customer("anna")
	h.fill(token, 10000)
	film := h.publish("Маузер", nil, 50000, 48, 0)

	huge := `{"summ": 100, "pad": "` + strings.Repeat("x", 1<<20) + `"}`
	for _, tc := range []struct {
		name, path string
		body       any
		detailHas  []string
	}{
		{"malformed JSON", "/billing/fill", `{"summ": 100`, []string{"not valid JSON"}},
		{"syntax error", "/billing/fill", `{"summ": 1OO}`, []string{"not valid JSON"}},
		{"wrong type", "/billing/fill", `{"summ": "100"}`, []string{`"summ"`, "whole number", "string"}},
		{"fraction", "/billing/fill", `{"summ": 1.5}`, []string{`"summ"`, "whole number"}},
		{"unknown field", "/billing/fill", `{"summ": 100, "sum": 100}`, []string{`unknown field "sum"`}},
		{"two objects", "/billing/fill", `{"summ": 100} {"summ": 100}`, []string{"more data"}},
		{"not an object", "/billing/fill", `[100]`, []string{"JSON object"}},
		{"empty body", "/billing/fill", ``, []string{"empty"}},
		{"body over 1 MiB", "/billing/fill", huge, []string{"1 MiB"}},
		{"zero amount", "/billing/fill", `{"summ": 0}`, []string{"summ", "1 to 100000000"}},
		{"negative amount", "/billing/fill", `{"summ": -500}`, []string{"summ", "-500"}},
		{"amount over the limit", "/billing/fill", `{"summ": 100000001}`, []string{"summ", "100000001"}},
		{"withdraw without premiere", "/billing/withdraw", `{"summ": 100, "period": 1}`, []string{"id is required"}},
		{"withdraw bad premiere id", "/billing/withdraw/", `{"id": "mauser", "summ": 100, "period": 1}`, []string{"id", "not a UUID"}},
		{"rent non-UUID", "/rent/", `{"id": "12", "period": 12}`, []string{"not a UUID"}},
		{"rent period 0", "/rent/", map[string]any{"id": film, "period": 0}, []string{"period", "1 to 720"}},
		{"rent period 721", "/rent", map[string]any{"id": film, "period": 721}, []string{"period", "721"}},
		{"rent period as text", "/rent", map[string]any{"id": film, "period": "12"}, []string{`"period"`, "whole number"}},
		{"rent bad start", "/rent", map[string]any{"id": film, "period": 12, "starts_at": "tomorrow"}, []string{"starts_at", "RFC 3339"}},
		{"term of a non-UUID rental", "/rent/abc/term", `{"period": 5}`, []string{"rental_id", "not a UUID"}},
		{"cancel of a non-UUID rental", "/rent/abc/cancel", ``, []string{"rental_id", "not a UUID"}},
		{"checkout without a total", "/cart/checkout", `{}`, []string{"expected_total is required"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h.post(tc.path, token, uuid.NewString(), tc.body).problem(t, http.StatusBadRequest, tc.detailHas...)
		})
	}
	if got := h.balance(token); got != 10000 {
		t.Fatalf("balance %d after refused requests, want 10000", got)
	}
	if mine := h.get("/me/premieres?status=all", token).want(t, http.StatusOK).items(t); len(mine) != 0 {
		t.Fatalf("refused rents created rentals: %v", mine)
	}
}

func TestBadQueriesAndPaths(t *testing.T) {
	h := newHarness(t)
	token, _ := h.customer("boris")
	film := h.publish("Маузер", nil, 50000, 48, 0)
	for _, tc := range []struct {
		path      string
		status    int
		detailHas []string
	}{
		{"/premiere/not-a-uuid", http.StatusBadRequest, []string{"id", "not a UUID"}},
		{"/premiere/" + uuid.NewString(), http.StatusNotFound, []string{"premiere not found"}},
		{"/rent/" + film.String(), http.StatusBadRequest, []string{"period is required"}},
		{"/rent/" + film.String() + "?period=abc", http.StatusBadRequest, []string{"period", "whole number"}},
		{"/rent/" + film.String() + "?period=0", http.StatusBadRequest, []string{"period", "1 to 720"}},
		{"/rent/" + film.String() + "?period=721", http.StatusBadRequest, []string{"721"}},
		{"/rent/12?period=5", http.StatusBadRequest, []string{"not a UUID"}},
		{"/search/?limit=1000", http.StatusBadRequest, []string{"limit", "1 to 100"}},
		{"/search/?min_price=cheap", http.StatusBadRequest, []string{"min_price", "whole number"}},
		{"/search/?sort=random", http.StatusBadRequest, []string{"sort must be one of"}},
		{"/search/?min_price=500&max_price=100", http.StatusBadRequest, []string{"min_price 500 is above max_price 100"}},
		{"/me/premieres?status=old", http.StatusBadRequest, []string{"status"}},
		{"/billing/status/xyz", http.StatusBadRequest, []string{"not a UUID"}},
		{"/billing/history?from=yesterday", http.StatusBadRequest, []string{"from", "RFC 3339"}},
		{"/billing/history?limit=-1", http.StatusBadRequest, []string{"limit"}},
		{"/nowhere", http.StatusNotFound, []string{"/api/v1"}},
	} {
		t.Run(tc.path, func(t *testing.T) {
			h.get(tc.path, token).problem(t, tc.status, tc.detailHas...)
		})
	}
	r := h.send(req{Method: http.MethodPut, Path: "/billing/fill", Token: token}).problem(t, http.StatusMethodNotAllowed, "PUT")
	if allow := r.Header.Get("Allow"); !strings.Contains(allow, "POST") {
		t.Fatalf("Allow = %q", allow)
	}
	r = h.send(req{Method: http.MethodGet, Path: "/billing/amount", Token: token, Header: map[string]string{"X-Chance-Min-Position": "soon"}})
	r.problem(t, http.StatusBadRequest, "X-Chance-Min-Position")
}

// Free-text query parameters and headers are bounded and must be text: a clear 400
// (or 401 for the token) instead of a store error or an unbounded parse.
func TestQueryTextAndHeadersAreBounded(t *testing.T) {
	h := newHarness(t)
	for _, tc := range []struct {
		path      string
		detailHas []string
	}{
		{"/search/?q=%FF%FE", []string{"q", "UTF-8"}},
		{"/search/?actor=a%00b", []string{"actor", "control characters"}},
		{"/search/?q=" + strings.Repeat("я", 600), []string{"q", "longer than 1024 bytes"}},
		{"/search/?q=" + strings.Repeat("я", 201), []string{"q", "at most 200 characters"}},
	} {
		h.get(tc.path, "").problem(t, http.StatusBadRequest, tc.detailHas...)
	}
	h.get("/users", strings.Repeat("x", 5000)).problem(t, http.StatusUnauthorized, "longer than 4096 bytes")
	h.post("/login", "", "", map[string]string{"email": strings.Repeat("a", 300) + "@example.ru", "password": "correct horse"}).
		problem(t, http.StatusBadRequest, "at most 254")
	h.post("/login", "", "", map[string]string{"email": "a@example.ru", "password": strings.Repeat("p", 129)}).
		problem(t, http.StatusBadRequest, "at most 128")
	token, _ := h.customer("sasha")
	h.post("/billing/fill", token, strings.Repeat("k", 256), map[string]any{"summ": 100}).problem(t, http.StatusBadRequest, "Idempotency-Key", "at most 255")
	h.post("/billing/fill", token, "key with spaces", map[string]any{"summ": 100}).problem(t, http.StatusBadRequest, "Idempotency-Key", "printable ASCII")
}
