package httpapi_test

import (
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/google/uuid"
)

// TestMoneyRulesOfTheDesign walks every money rule of DESIGN §3 through the HTTP API
// with concrete kopecks, one step a row, each with the wallet it must leave:
//   - quote(P) = online_price × P / reservation_hours × (100 − discount) / 100,
//     rounded half up once at the end;
//   - a rental locks its pricing terms; a term change charges or refunds
//     quote(new) − quote(old) with them; a term cannot end before now;
//   - cancel: full refund before the start, quote(term) − quote(hours used, a started
//     hour counting as used) during it, 409 after it;
//   - a debit never overdraws (402 with balance, needed, shortfall); a withdrawal's
//     summ must equal the quote and is redeemed without a second debit; a checkout
//     is one debit of the cart's total.
func TestMoneyRulesOfTheDesign(t *testing.T) {
	h := newHarness(t)
	rich, _ := h.customer("rich")
	poor, _ := h.customer("poor")
	admin := h.withRole("admin", "admin")
	a := h.publish("Маузер", nil, 50000, 48, 10) // quote(P) = 50000·P/48·0.9
	b := h.publish("Чайка", nil, 1000, 3, 33)    // quote(P) = 1000·P/3·0.67
	c := h.publish("Гамлет", nil, 99999, 7, 0)   // quote(P) = 99999·P/7
	d := h.publish("Вишнёвый сад", nil, 10000, 10, 0)
	e := h.publish("Ревизор", nil, 12000, 12, 0) // 1000 an hour
	f := h.publish("Дядя Ваня", nil, 6000, 6, 0) // 1000 an hour
	g := h.publish("Три сестры", nil, 999, 2, 50)
	h.fill(rich, 1000000)
	h.fill(poor, 500)

	rentals := map[string]string{} // name → rental id, kept by the steps that rent
	var order struct{ total int64 }
	rent := func(who string, premiere uuid.UUID, hours int, extra map[string]any) func() response {
		return func() response {
			body := map[string]any{"id": premiere, "period": hours}
			for k, v := range extra {
				body[k] = v
			}
			return h.post("/rent/", who, uuid.NewString(), body)
		}
	}
	changeTerm := func(who, rental string, hours int) func() response {
		return func() response {
			return h.post("/rent/"+rentals[rental]+"/term", who, uuid.NewString(), map[string]any{"period": hours})
		}
	}
	cancel := func(who, rental string) func() response {
		return func() response { return h.post("/rent/"+rentals[rental]+"/cancel", who, uuid.NewString(), nil) }
	}
	// Quotes are asked as the admin: the same client as the repricing, so read-your-writes
	// holds (an anonymous read may answer before the catalogue has the new price).
	quote := func(premiere uuid.UUID, hours int) func() response {
		return func() response { return h.get("/rent/"+premiere.String()+"?period="+strconv.Itoa(hours), admin) }
	}
	var withdrawal string

	for _, s := range []struct {
		name    string
		advance time.Duration // moved on the clock before the step
		who     string        // whose wallet is checked after the step
		send    func() response
		status  int
		want    map[string]int64 // numeric members of the answer
		keep    string           // remember the answer's rental_id under this name
		balance int64
	}{
		// Pricing by term, discount and rounding (no money moves).
		{name: "quote A 1h: 937.5 rounds up", who: rich, send: quote(a, 1), status: 200, want: map[string]int64{"price": 938}, balance: 1000000},
		{name: "quote A 3h: 2812.5 rounds up", who: rich, send: quote(a, 3), status: 200, want: map[string]int64{"price": 2813}, balance: 1000000},
		{name: "quote A 48h: the standard term less 10%", who: rich, send: quote(a, 48), status: 200, want: map[string]int64{"price": 45000}, balance: 1000000},
		{name: "quote A 720h", who: rich, send: quote(a, 720), status: 200, want: map[string]int64{"price": 675000}, balance: 1000000},
		{name: "quote B 1h: 223.33 rounds down", who: rich, send: quote(b, 1), status: 200, want: map[string]int64{"price": 223}, balance: 1000000},
		{name: "quote B 2h: rounded once, not 2×223", who: rich, send: quote(b, 2), status: 200, want: map[string]int64{"price": 447}, balance: 1000000},
		{name: "quote C 1h: 14285.57", who: rich, send: quote(c, 1), status: 200, want: map[string]int64{"price": 14286}, balance: 1000000},
		{name: "quote C 7h: the online price itself", who: rich, send: quote(c, 7), status: 200, want: map[string]int64{"price": 99999}, balance: 1000000},
		{name: "quote G 3h: 749.25", who: rich, send: quote(g, 3), status: 200, want: map[string]int64{"price": 749}, balance: 1000000},

		// Rent, extend, shorten: what a rental cost so far is always quote(current term).
		{name: "rent A 3h", who: rich, send: rent(rich, a, 3, nil), status: 201, keep: "A", want: map[string]int64{"price": 2813, "balance": 997187}, balance: 997187},
		{name: "extend A to 5h: 4688 − 2813", who: rich, send: changeTerm(rich, "A", 5), status: 200, want: map[string]int64{"charged": 1875, "refunded": 0, "balance": 995312}, balance: 995312},
		{name: "shorten A to 1h: 4688 − 938 back", who: rich, send: changeTerm(rich, "A", 1), status: 200, want: map[string]int64{"charged": 0, "refunded": 3750, "balance": 999062}, balance: 999062},
		{name: "A to 1h again: nothing moves", who: rich, send: changeTerm(rich, "A", 1), status: 200, want: map[string]int64{"charged": 0, "refunded": 0, "balance": 999062}, balance: 999062},
		{name: "rent C 5h: 71427.86", who: rich, send: rent(rich, c, 5, nil), status: 201, keep: "C", want: map[string]int64{"price": 71428}, balance: 927634},
		{name: "rent B 4h from tomorrow", who: rich, send: rent(rich, b, 4, map[string]any{"starts_at": start.Add(24 * time.Hour).Format(time.RFC3339)}), status: 201, keep: "B", want: map[string]int64{"price": 893}, balance: 926741},
		{name: "cancel B before its start: all back", who: rich, send: cancel(rich, "B"), status: 200, want: map[string]int64{"refunded": 893, "balance": 927634}, balance: 927634},

		// A rental keeps the terms it was bought with.
		{name: "rent D 2h", who: rich, send: rent(rich, d, 2, nil), status: 201, keep: "D", want: map[string]int64{"price": 2000}, balance: 925634},
		{name: "the admin doubles D's price, 25% off", who: rich, send: func() response {
			return h.send(req{Method: http.MethodPatch, Path: "/admin/premieres/" + d.String(), Token: admin, Body: `{"online_price":20000,"discount_percent":25}`})
		}, status: 200, balance: 925634},
		{name: "quote D 4h at the new terms", who: rich, send: quote(d, 4), status: 200, want: map[string]int64{"price": 6000}, balance: 925634},
		{name: "extend D to 4h at the locked terms: 4000 − 2000", who: rich, send: changeTerm(rich, "D", 4), status: 200, want: map[string]int64{"charged": 2000}, balance: 923634},
		{name: "rent E 5h", who: rich, send: rent(rich, e, 5, nil), status: 201, keep: "E", want: map[string]int64{"price": 5000}, balance: 918634},
		{name: "rent F 1h", who: rich, send: rent(rich, f, 1, nil), status: 201, keep: "F", want: map[string]int64{"price": 1000}, balance: 917634},

		// 90 minutes in: two started hours are used.
		{name: "cancel C during its term: 71428 − quote(2h) 28571", advance: 90 * time.Minute, who: rich, send: cancel(rich, "C"), status: 200, want: map[string]int64{"refunded": 42857, "balance": 960491}, balance: 960491},
		{name: "shorten E to end before now", who: rich, send: changeTerm(rich, "E", 1), status: 400, balance: 960491},
		{name: "shorten E to 2h: 5000 − 2000 back", who: rich, send: changeTerm(rich, "E", 2), status: 200, want: map[string]int64{"refunded": 3000, "balance": 963491}, balance: 963491},
		{name: "cancel F after its term", who: rich, send: cancel(rich, "F"), status: 409, balance: 963491},
		{name: "extend F after its term", who: rich, send: changeTerm(rich, "F", 3), status: 409, balance: 963491},
		{name: "cancel D during its term, at the locked terms: 4000 − 2000", who: rich, send: cancel(rich, "D"), status: 200, want: map[string]int64{"refunded": 2000}, balance: 965491},

		// A withdrawal pays the current quote exactly, once.
		{name: "withdraw G 3h with a kopeck short", who: rich, send: func() response {
			return h.post("/billing/withdraw/", rich, uuid.NewString(), map[string]any{"id": g, "period": 3, "summ": 748})
		}, status: 409, want: map[string]int64{"quote": 749}, balance: 965491},
		{name: "withdraw G 3h at the quote", who: rich, send: func() response {
			r := h.post("/billing/withdraw/", rich, uuid.NewString(), map[string]any{"id": g, "period": 3, "summ": 749})
			withdrawal = r.str("payment_id")
			return r
		}, status: 201, want: map[string]int64{"amount": 749, "balance": 964742}, balance: 964742},
		{name: "rent G redeeming it: no second debit", who: rich, send: func() response {
			return rent(rich, g, 3, map[string]any{"payment_id": withdrawal})()
		}, status: 201, want: map[string]int64{"price": 749, "balance": 964742}, balance: 964742},

		// Checkout: one debit of the cart's total, each line priced as its quote.
		{name: "checkout A 48h + B 1h", who: rich, send: func() response {
			h.post("/cart/items", rich, "", map[string]any{"premiere_id": a, "period": 48}).want(t, http.StatusCreated)
			h.post("/cart/items", rich, "", map[string]any{"premiere_id": b, "period": 1}).want(t, http.StatusCreated)
			form := h.get("/cart/checkout", rich).want(t, http.StatusOK)
			order.total = form.num("total")
			return h.post("/cart/checkout", rich, uuid.NewString(), map[string]any{"expected_total": order.total})
		}, status: 201, want: map[string]int64{"total": 45223, "balance": 919519}, balance: 919519},

		// Funds: a debit never overdraws.
		{name: "poor: rent A 1h with 500", who: poor, send: rent(poor, a, 1, nil), status: 402, want: map[string]int64{"balance": 500, "needed": 938, "shortfall": 438}, balance: 500},
		{name: "poor: rent B 2h", who: poor, send: rent(poor, b, 2, nil), status: 201, keep: "poorB", want: map[string]int64{"price": 447, "balance": 53}, balance: 53},
		{name: "poor: extend B to 3h needs 670 − 447", who: poor, send: changeTerm(poor, "poorB", 3), status: 402, want: map[string]int64{"balance": 53, "needed": 223, "shortfall": 170}, balance: 53},
		{name: "poor: shorten B to 1h: 447 − 223 back", who: poor, send: changeTerm(poor, "poorB", 1), status: 200, want: map[string]int64{"refunded": 224, "balance": 277}, balance: 277},
		{name: "poor: cancel B in its only hour: nothing comes back", advance: 10 * time.Minute, who: poor, send: cancel(poor, "poorB"), status: 200, want: map[string]int64{"refunded": 0, "charged": 0, "balance": 277}, balance: 277},
	} {
		h.clock.Advance(s.advance)
		r := s.send()
		if r.Code != s.status {
			t.Fatalf("%s: status %d, want %d; body %s", s.name, r.Code, s.status, r.Raw)
		}
		for k, v := range s.want {
			if got, ok := r.JSON[k].(float64); !ok || int64(got) != v {
				t.Fatalf("%s: %s = %v, want %d; body %s", s.name, k, r.JSON[k], v, r.Raw)
			}
		}
		if s.keep != "" {
			rentals[s.keep] = r.str("rental_id")
		}
		if got := h.balance(s.who); got != s.balance {
			t.Fatalf("%s: wallet %d, want %d", s.name, got, s.balance)
		}
	}

	// The billing history agrees with the wallet line by line: each line moves the
	// balance by its amount (a declined debit by nothing) and ends at the wallet.
	for who, want := range map[string]int64{rich: 919519, poor: 277} {
		lines := h.get("/billing/history", who).want(t, http.StatusOK).items(t)
		var running int64
		for _, l := range lines {
			if l["kind"] != "debit_declined" {
				running += int64(l["amount"].(float64))
			}
			if after := int64(l["balance_after"].(float64)); after != running {
				t.Fatalf("history line %v: balance_after %d, want %d", l, after, running)
			}
		}
		if running != want {
			t.Fatalf("history of %d lines ends at %d, wallet %d", len(lines), running, want)
		}
	}
}
