package loadtest

import (
	"context"
	"math/rand/v2"
	"net/http"
	"time"
)

// worker is one client: it works on customers of its own, one request at a time,
// so two clients never race on one account.
type worker struct {
	client    *http.Client
	base      string
	customers []*customer
	next      int
	premieres []string
	weights   []weighted
	total     int
	rng       *rand.Rand
	rec       recorder
	acks      *ackLog // nil: no --acks file
	// full is set when every customer of this worker holds every premiere: renting more
	// needs more customers or premieres.
	full bool
}

// runUntil does operations until end; a request under way at end completes.
func (w *worker) runUntil(ctx context.Context, end time.Time) {
	for !w.full && ctx.Err() == nil && time.Now().Before(end) {
		w.step(ctx, w.pick())
	}
}

func (w *worker) pick() string {
	n := w.rng.IntN(w.total)
	for _, x := range w.weights {
		if n < x.weight {
			return x.op
		}
		n -= x.weight
	}
	return w.weights[len(w.weights)-1].op
}

// customer is the next customer round the worker's own.
func (w *worker) customer() *customer {
	c := w.customers[w.next%len(w.customers)]
	w.next++
	return c
}

func (w *worker) step(ctx context.Context, op string) {
	switch op {
	case OpFill:
		w.fill(ctx, w.customer(), 10_000)
	case OpPremiere:
		a := do(ctx, w.client, w.base, call{method: http.MethodGet, path: "/premiere/" + w.premieres[w.rng.IntN(len(w.premieres))]})
		w.rec.of(OpPremiere).record(a)
	case OpRent:
		w.withFreeCustomer(1, func(c *customer) { w.rent(ctx, c) })
	case OpCancel:
		c := w.customer()
		if len(c.held) == 0 && !w.rent(ctx, c) {
			return
		}
		w.cancel(ctx, c)
	case OpCheckout:
		w.withFreeCustomer(2, func(c *customer) { w.checkout(ctx, c) })
	}
}

// withFreeCustomer calls f with the next customer that can still rent n premieres it
// does not hold; if none can, the worker is full.
func (w *worker) withFreeCustomer(n int, f func(*customer)) {
	for range w.customers {
		if c := w.customer(); len(c.holds)+n <= len(w.premieres) {
			f(c)
			return
		}
	}
	w.full = true
}

// free is the next premiere c does not hold (one must exist).
func (w *worker) free(c *customer) int {
	for {
		i := c.cursor % len(w.premieres)
		c.cursor++
		if !c.holds[i] {
			return i
		}
	}
}

// send makes a money-moving call for c, counts it under op and logs its acknowledgement.
func (w *worker) send(ctx context.Context, op string, c *customer, k call) answer {
	a := do(ctx, w.client, w.base, k)
	w.rec.of(op).record(a)
	w.acks.record(op, c.email, k, a)
	return a
}

func (w *worker) fill(ctx context.Context, c *customer, amount int) {
	w.send(ctx, OpFill, c, call{method: http.MethodPost, path: "/billing/fill", token: c.token, moneyMoving: true,
		body: map[string]any{"summ": amount}})
}

// rent rents the next premiere c does not hold for an hour; a 402 tops up.
func (w *worker) rent(ctx context.Context, c *customer) bool {
	i := w.free(c)
	a := w.send(ctx, OpRent, c, call{method: http.MethodPost, path: "/rent/", token: c.token, moneyMoving: true,
		body: map[string]any{"id": w.premieres[i], "period": 1}})
	var res struct {
		RentalID string `json:"rental_id"`
	}
	switch {
	case a.decode(&res) == nil:
		c.hold(res.RentalID, i)
		return true
	case a.status == http.StatusPaymentRequired:
		w.fill(ctx, c, maxTopUp)
	case a.status == http.StatusConflict:
		c.holds[i] = true // held from before this run: never try it again
	}
	return false
}

// cancel cancels the oldest rental c holds.
func (w *worker) cancel(ctx context.Context, c *customer) {
	h := c.held[0]
	a := w.send(ctx, OpCancel, c, call{method: http.MethodPost, path: "/rent/" + h.rental + "/cancel", token: c.token, moneyMoving: true})
	if a.ok() || a.status == http.StatusConflict || a.status == http.StatusNotFound {
		c.held = c.held[1:]
		delete(c.holds, h.premiere)
	}
}

// checkout puts two premieres in the cart, reads the form and pays for both.
func (w *worker) checkout(ctx context.Context, c *customer) {
	for range 2 {
		i := w.free(c)
		a := do(ctx, w.client, w.base, call{method: http.MethodPost, path: "/cart/items", token: c.token,
			body: map[string]any{"premiere_id": w.premieres[i], "period": 1}})
		w.rec.of("cart-item").record(a)
	}
	var form struct {
		Total int `json:"total"`
	}
	a := do(ctx, w.client, w.base, call{method: http.MethodGet, path: "/cart/checkout", token: c.token})
	w.rec.of("checkout-form").record(a)
	if a.decode(&form) != nil {
		return
	}
	a = w.send(ctx, OpCheckout, c, call{method: http.MethodPost, path: "/cart/checkout", token: c.token, moneyMoving: true,
		body: map[string]any{"expected_total": form.Total}})
	var res struct {
		Rentals []struct {
			RentalID   string `json:"rental_id"`
			PremiereID string `json:"premiere_id"`
			Refunded   bool   `json:"refunded"`
		} `json:"rentals"`
	}
	switch {
	case a.decode(&res) == nil:
		for _, r := range res.Rentals {
			if r.Refunded {
				continue
			}
			for i, id := range w.premieres {
				if id == r.PremiereID {
					c.hold(r.RentalID, i)
				}
			}
		}
	case a.status == http.StatusPaymentRequired:
		w.fill(ctx, c, maxTopUp)
	}
}

func (c *customer) hold(rental string, premiere int) {
	c.held = append(c.held, holding{rental: rental, premiere: premiere})
	c.holds[premiere] = true
}
