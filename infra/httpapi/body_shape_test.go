package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/google/uuid"
)

// Every body the API reads must be exactly one JSON object, judged on the whole body:
// a decoder that stops after the first value would take `{"summ":100}{"summ":100}`
// or `{"summ":100} garbage` as a valid top-up. Not JSON, trailing data, two objects,
// an array (even of one valid object) and an unknown member are each a 400 that says
// which, on every route that reads a body, and nothing changes.
func TestBodyMustBeExactlyOneObject(t *testing.T) {
	h := newHarness(t)
	token, _ := h.customer("zoya")
	admin := h.withRole("zakhar", "admin")
	h.fill(token, 100000)
	film := h.publish("Маузер", nil, 50000, 48, 0)
	other := h.publish("Чайка", nil, 30000, 24, 0)
	rental := h.post("/rent", token, uuid.NewString(), map[string]any{"id": film, "period": 5}).want(t, http.StatusCreated).str("rental_id")
	h.post("/cart/items", token, "", map[string]any{"premiere_id": other, "period": 24}).want(t, http.StatusCreated)
	balance := h.balance(token)

	routes := []struct {
		method, path, token, valid string
		money                      bool
	}{
		{http.MethodPost, "/billing/fill", token, `{"summ":100}`, true},
		{http.MethodPost, "/billing/withdraw/", token, `{"id":"` + other.String() + `","summ":30000,"period":24}`, true},
		{http.MethodPost, "/rent/", token, `{"id":"` + other.String() + `","period":24}`, true},
		{http.MethodPost, "/rent/" + rental + "/term", token, `{"period":10}`, true},
		{http.MethodPost, "/rent/" + rental + "/cancel", token, `{}`, true},
		{http.MethodPost, "/cart/items", token, `{"premiere_id":"` + film.String() + `","period":3}`, false},
		{http.MethodPatch, "/cart/items/" + other.String(), token, `{"period":12}`, false},
		{http.MethodPost, "/cart/checkout", token, `{"expected_total":30000}`, true},
		{http.MethodPost, "/register", "", `{"email":"new@example.ru","password":"correct horse","first_name":"А","last_name":"Б"}`, false},
		{http.MethodPost, "/login", "", `{"email":"new@example.ru","password":"correct horse"}`, false},
		{http.MethodPatch, "/users", token, `{"notification_channels":["email"]}`, false},
		{http.MethodPost, "/admin/premieres", admin, `{"title":"Новая","online_price":1000,"reservation_hours":24}`, false},
		{http.MethodPatch, "/admin/premieres/" + film.String(), admin, `{"online_price":1}`, false},
	}
	withUnknown := func(valid string) string {
		if valid == "{}" {
			return `{"bogus":1}`
		}
		return `{"bogus":1,` + valid[1:]
	}
	for _, r := range routes {
		for _, tc := range []struct {
			name, body string
			detailHas  []string
		}{
			{"not JSON", `summ=100`, []string{"not valid JSON"}},
			{"trailing data", r.valid + ` x`, []string{"more data after its JSON object", "exactly one object"}},
			{"two objects", r.valid + r.valid, []string{"more data after its JSON object", "exactly one object"}},
			{"two objects on two lines", r.valid + "\n" + r.valid + "\n", []string{"more data after its JSON object"}},
			{"an array", "[" + r.valid + "]", []string{"must be a JSON object, not an array"}},
			{"a cut-off object", strings.TrimSuffix(r.valid, "}"), []string{"not valid JSON", "ends in the middle"}},
			{"an unknown member", withUnknown(r.valid), []string{`unknown field "bogus"`}},
		} {
			t.Run(r.method+" "+r.path+": "+tc.name, func(t *testing.T) {
				q := req{Method: r.method, Path: r.path, Token: r.token, Body: tc.body}
				if r.money {
					q.Key = uuid.NewString()
				}
				h.send(q).problem(t, http.StatusBadRequest, tc.detailHas...)
			})
		}
	}

	if got := h.balance(token); got != balance {
		t.Fatalf("balance %d, want %d: a refused body moved money", got, balance)
	}
	mine := h.get("/me/premieres", token).want(t, http.StatusOK).items(t)
	if len(mine) != 1 || mine[0]["period"] != float64(5) || mine[0]["status"] != "active" {
		t.Fatalf("my premieres %v, want the one 5-hour rental unchanged", mine)
	}
	cart := h.get("/cart", token).want(t, http.StatusOK).items(t)
	if len(cart) != 1 || cart[0]["period"] != float64(24) {
		t.Fatalf("cart %v, want the one 24-hour item unchanged", cart)
	}
	if card := h.get("/premiere/"+film.String(), "").want(t, http.StatusOK); card.num("online_price") != 50000 {
		t.Fatalf("card %s: a refused patch changed the price", card.Raw)
	}
	h.post("/login", "", "", `{"email":"new@example.ru","password":"correct horse"}`).want(t, http.StatusUnauthorized)
}
