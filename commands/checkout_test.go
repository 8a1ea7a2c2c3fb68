package commands_test

import (
	"errors"
	"sync"
	"testing"

	"github.com/google/uuid"

	"github.com/chance-video/chance/commands"
	"github.com/chance-video/chance/domain/account"
	"github.com/chance-video/chance/domain/cart"
	"github.com/chance-video/chance/domain/rental"
)

func (sh *shop) addToCart(user, premiereID uuid.UUID, hours int) {
	sh.t.Helper()
	if _, _, err := sh.svc.AddToCart(sh.ctx, user, cart.Item{PremiereID: premiereID, Hours: hours}, commands.Request{}); err != nil {
		sh.t.Fatal(err)
	}
}

// Twenty concurrent checkouts of one cart, each with its own key, on a balance that
// would pay for many: one order, the others told the cart was paid by it, one debit.
func TestConcurrentCheckoutsOfOneCartPayOnce(t *testing.T) {
	sh := newShop(t)
	user, a, b := sh.customer(), sh.publish("Маузер"), sh.publish("Чайка")
	sh.fill(user, 1_000_000)
	sh.addToCart(user, a, 24)
	sh.addToCart(user, b, 12)

	var (
		wg     sync.WaitGroup
		mu     sync.Mutex
		orders []commands.OrderResult
		paidBy = map[uuid.UUID]int{}
	)
	for range 20 {
		wg.Go(func() {
			res, err := sh.svc.Checkout(sh.ctx, user, 36_000, key(uuid.NewString()))
			mu.Lock()
			defer mu.Unlock()
			var paid *account.CartAlreadyPaid
			switch {
			case err == nil:
				orders = append(orders, res)
			case errors.As(err, &paid):
				paidBy[paid.OrderID]++
			default:
				t.Errorf("checkout: %v", err)
			}
		})
	}
	wg.Wait()
	if len(orders) != 1 {
		t.Fatalf("%d checkouts made an order, want 1", len(orders))
	}
	order := orders[0]
	mustEqual(t, "refused as already paid by the order", paidBy[order.OrderID], 19)
	mustEqual(t, "refused naming another order", len(paidBy), 1)
	for _, l := range order.Rentals {
		mustEqual(t, "line refunded", l.Refunded, false)
	}
	mustEqual(t, "balance", sh.balance(user), 1_000_000-36_000)
	mustEqual(t, "order debits and compensations", sh.debits(user, account.ForOrder, account.ForCompensation), 1)
	mustEqual(t, "rentals of the order", len(order.Rentals), 2)
	for i, p := range []uuid.UUID{a, b} {
		mustEqual(t, "the order's rental", order.Rentals[i].RentalID, rental.SlotID(user, p, 0))
		r, _ := sh.svc.Lookup().LoadRental(sh.ctx, rental.SlotID(user, p, 0))
		mustEqual(t, "rental exists", r.Exists(), true)
		next, _ := sh.svc.Lookup().LoadRental(sh.ctx, rental.SlotID(user, p, 1))
		mustEqual(t, "no second rental", next.Exists(), false)
	}
}

// The order's own retry answers the order; another key gets the same 409; a refilled
// cart checks out again.
func TestAPaidCartIsAnsweredWithItsOrderUntilRefilled(t *testing.T) {
	sh := newShop(t)
	user, a, b := sh.customer(), sh.publish("Маузер"), sh.publish("Чайка")
	sh.fill(user, 100_000)
	sh.addToCart(user, a, 24)
	first, err := sh.svc.Checkout(sh.ctx, user, 24_000, key("co-1"))
	if err != nil {
		t.Fatal(err)
	}
	again, err := sh.svc.Checkout(sh.ctx, user, 24_000, key("co-1"))
	if err != nil || !again.Replayed || again.OrderID != first.OrderID {
		t.Fatalf("retry of the order: %+v, %v", again, err)
	}
	_, err = sh.svc.Checkout(sh.ctx, user, 24_000, key("co-2"))
	var paid *account.CartAlreadyPaid
	if !errors.As(err, &paid) || paid.OrderID != first.OrderID {
		t.Fatalf("second checkout of the paid cart: %v", err)
	}
	_, err = sh.svc.Lookup().PlanCheckout(sh.ctx, user)
	if !errors.As(err, &paid) || paid.OrderID != first.OrderID {
		t.Fatalf("form of the paid cart: %v", err)
	}
	mustEqual(t, "balance", sh.balance(user), 76_000)

	sh.addToCart(user, b, 12)
	second, err := sh.svc.Checkout(sh.ctx, user, 12_000, key("co-3"))
	if err != nil {
		t.Fatalf("checkout of the refilled cart: %v", err)
	}
	if second.OrderID == first.OrderID || len(second.Rentals) != 1 || second.Rentals[0].PremiereID != b {
		t.Fatalf("second order %+v", second)
	}
	mustEqual(t, "balance after the second order", sh.balance(user), 64_000)
}

// A checkout whose every item is rented by another request between its debit and its
// rentals bought nothing: its money comes back and it answers a conflict, not a 201 with
// every line refunded — and so does its retry.
func TestACheckoutThatLostEveryItemIsAConflict(t *testing.T) {
	sh := newShop(t)
	user, mauser, chaika := sh.customer(), sh.publish("Маузер"), sh.publish("Чайка")
	sh.fill(user, 100_000)
	sh.addToCart(user, mauser, 24)
	sh.addToCart(user, chaika, 24)
	raced := false
	sh.restart(commands.WithStepHook(func(step string) error {
		if step != "paid" || raced {
			return nil
		}
		raced = true // the checkout has paid; rents of the same premieres get in first
		for _, p := range []uuid.UUID{mauser, chaika} {
			if _, err := sh.svc.Rent(sh.ctx, user, commands.RentInput{PremiereID: p, Hours: 24}, key("rent-"+p.String())); err != nil {
				return err
			}
		}
		return nil
	}))
	_, err := sh.svc.Checkout(sh.ctx, user, 48_000, key("co"))
	var holding *commands.AlreadyHolding
	if !raced || !errors.As(err, &holding) || holding.PremiereID != mauser {
		t.Fatalf("checkout that lost every item: %v (raced %v)", err, raced)
	}
	mustEqual(t, "balance: the rents paid, the checkout was refunded", sh.balance(user), 52_000)
	_, err = sh.svc.Checkout(sh.ctx, user, 48_000, key("co"))
	if !errors.As(err, &holding) {
		t.Fatalf("retry of the checkout: %v", err)
	}
	mustEqual(t, "balance after the retry", sh.balance(user), 52_000)
}

// A checkout paid, then the process stopped before the rentals; the customer, seeing an
// error, pays again with a new key: the 409 names the order, which now holds its rentals.
func TestAnotherCheckoutOfAnInterruptedOrderCompletesIt(t *testing.T) {
	sh := newShop(t)
	user, mauser := sh.customer(), sh.publish("Маузер")
	sh.fill(user, 100_000)
	sh.addToCart(user, mauser, 24)
	sh.restart(crashAt(1))
	_, err := sh.svc.Checkout(sh.ctx, user, 24_000, key("co-1"))
	mustErr(t, err, errCrash)
	sh.restart()
	r, _ := sh.svc.Lookup().LoadRental(sh.ctx, rental.SlotID(user, mauser, 0))
	mustEqual(t, "rental before the second checkout", r.Exists(), false)

	_, err = sh.svc.Checkout(sh.ctx, user, 24_000, key("co-2"))
	var paid *account.CartAlreadyPaid
	if !errors.As(err, &paid) || paid.OrderID != commands.PaymentID(user, "co-1") {
		t.Fatalf("second checkout: %v", err)
	}
	r, _ = sh.svc.Lookup().LoadRental(sh.ctx, rental.SlotID(user, mauser, 0))
	mustEqual(t, "rental of the paid order", r.Exists(), true)
	c, _ := sh.svc.Lookup().LoadCart(sh.ctx, user)
	mustEqual(t, "cart items", len(c.Items), 0)
	mustEqual(t, "balance", sh.balance(user), 76_000)
}
