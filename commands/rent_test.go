package commands_test

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/commands"
	"github.com/chance-video/chance/domain"
	"github.com/chance-video/chance/domain/account"
	"github.com/chance-video/chance/domain/cart"
	"github.com/chance-video/chance/domain/money"
	"github.com/chance-video/chance/domain/premiere"
	"github.com/chance-video/chance/domain/rental"
)

func TestRentPaysAndHolds(t *testing.T) {
	sh := newShop(t)
	user, mauser := sh.customer(), sh.publish("Маузер")
	sh.fill(user, 100_000)

	res := sh.rent(user, mauser, 24, "rent-1")
	mustEqual(t, "total", res.Total, 24_000)
	mustEqual(t, "balance", res.Balance, 76_000)
	mustEqual(t, "rentals", len(res.Rentals), 1)
	r, _ := sh.svc.Lookup().LoadRental(sh.ctx, res.Rentals[0].RentalID)
	mustEqual(t, "rental status", r.Status(sh.clock.Now()), rental.StatusActive)
	mustEqual(t, "rental owner", r.UserID, user)
	mustEqual(t, "paid", r.Paid(), 24_000)

	// A retry returns the original outcome and moves no money.
	again := sh.rent(user, mauser, 24, "rent-1")
	mustEqual(t, "replayed", again.Replayed, true)
	mustEqual(t, "same order", again.OrderID, res.OrderID)
	mustEqual(t, "same rental", again.Rentals[0].RentalID, res.Rentals[0].RentalID)
	mustEqual(t, "balance after retry", sh.balance(user), 76_000)

	// The same key with another body is refused.
	_, err := sh.svc.Rent(sh.ctx, user, commands.RentInput{PremiereID: mauser, Hours: 48}, commands.Request{Key: "rent-1", Fingerprint: "other"})
	mustErr(t, err, commands.ErrKeyReused)

	// One holding per premiere: renting it again while held is a conflict that moves no money.
	_, err = sh.svc.Rent(sh.ctx, user, commands.RentInput{PremiereID: mauser, Hours: 24}, key("rent-2"))
	var holding *commands.AlreadyHolding
	if !errors.As(err, &holding) || holding.RentalID != res.Rentals[0].RentalID {
		t.Fatalf("second holding: %v", err)
	}
	mustEqual(t, "balance after refused rent", sh.balance(user), 76_000)

	// Once the term has ended, the premiere can be rented again, as a new rental.
	sh.clock.Advance(24 * time.Hour)
	next := sh.rent(user, mauser, 1, "rent-3")
	if next.Rentals[0].RentalID == res.Rentals[0].RentalID {
		t.Fatal("a new rental reused the old one's id")
	}
	mustEqual(t, "balance", sh.balance(user), 75_000)
}

func TestRentRefusals(t *testing.T) {
	sh := newShop(t)
	user, mauser := sh.customer(), sh.publish("Маузер")
	sh.fill(user, 1_000)

	_, err := sh.svc.Rent(sh.ctx, user, commands.RentInput{PremiereID: mauser, Hours: 24}, key("r1"))
	var short *account.InsufficientFunds
	if !errors.As(err, &short) || short.Shortfall() != 23_000 {
		t.Fatalf("rent without funds: %v", err)
	}
	_, err = sh.svc.Rent(sh.ctx, user, commands.RentInput{PremiereID: mauser, Hours: 24}, commands.Request{})
	mustErr(t, err, commands.ErrKeyRequired)
	_, err = sh.svc.Rent(sh.ctx, user, commands.RentInput{PremiereID: mauser, Hours: 721}, key("r2"))
	mustErr(t, err, domain.ErrInvalid)
	_, err = sh.svc.Rent(sh.ctx, user, commands.RentInput{PremiereID: mauser, Hours: 1, StartsAt: start.Add(-time.Hour)}, key("r3"))
	mustErr(t, err, domain.ErrInvalid)
	_, err = sh.svc.Rent(sh.ctx, user, commands.RentInput{PremiereID: uuid.New(), Hours: 1}, key("r4"))
	mustErr(t, err, premiere.ErrNotFound)

	// None of that moved money or created a rental.
	mustEqual(t, "balance", sh.balance(user), 1_000)
	r, _ := sh.svc.Lookup().LoadRental(sh.ctx, rental.SlotID(user, mauser, 0))
	mustEqual(t, "rental exists", r.Exists(), false)
}

func TestConcurrentRentsNeverOverdraw(t *testing.T) {
	sh := newShop(t)
	user := sh.customer()
	sh.fill(user, 5*24_000) // pays for exactly five
	premieres := make([]uuid.UUID, 20)
	for i := range premieres {
		premieres[i] = sh.publish("Премьера")
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	succeeded, short := 0, 0
	for i, p := range premieres {
		wg.Go(func() {
			_, err := sh.svc.Rent(sh.ctx, user, commands.RentInput{PremiereID: p, Hours: 24}, key(uuid.NewString()))
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				succeeded++
			case errors.Is(err, domain.ErrFunds):
				short++
			default:
				t.Errorf("rent %d: %v", i, err)
			}
		})
	}
	wg.Wait()
	mustEqual(t, "succeeded", succeeded, 5)
	mustEqual(t, "refused for funds", short, 15)
	mustEqual(t, "balance", sh.balance(user), 0)
}

func TestConcurrentRentsOfOnePremiereHoldOnce(t *testing.T) {
	sh := newShop(t)
	user, mauser := sh.customer(), sh.publish("Маузер")
	sh.fill(user, 1_000_000)
	var wg sync.WaitGroup
	for range 10 {
		wg.Go(func() {
			_, err := sh.svc.Rent(sh.ctx, user, commands.RentInput{PremiereID: mauser, Hours: 24}, key(uuid.NewString()))
			if err != nil && !errors.Is(err, domain.ErrConflict) {
				t.Errorf("rent: %v", err)
			}
		})
	}
	wg.Wait()
	first, _ := sh.svc.Lookup().LoadRental(sh.ctx, rental.SlotID(user, mauser, 0))
	second, _ := sh.svc.Lookup().LoadRental(sh.ctx, rental.SlotID(user, mauser, 1))
	mustEqual(t, "first slot taken", first.Exists(), true)
	mustEqual(t, "second slot free", second.Exists(), false)
	// Whoever lost the race paid nothing in the end: exactly one rental's price is gone.
	mustEqual(t, "balance", sh.balance(user), 1_000_000-24_000)
}

func TestCheckout(t *testing.T) {
	sh := newShop(t)
	user := sh.customer()
	a, b := sh.publish("Маузер"), sh.publish("Чайка")
	req := commands.Request{}
	if _, _, err := sh.svc.AddToCart(sh.ctx, user, cart.Item{PremiereID: a, Hours: 48}, req); err != nil {
		t.Fatal(err)
	}
	tomorrow := start.Add(24 * time.Hour)
	if _, _, err := sh.svc.AddToCart(sh.ctx, user, cart.Item{PremiereID: b, Hours: 12, StartsAt: tomorrow}, req); err != nil {
		t.Fatal(err)
	}
	plan, err := sh.svc.Lookup().PlanCheckout(sh.ctx, user)
	if err != nil {
		t.Fatal(err)
	}
	mustEqual(t, "total", plan.Total, 60_000)
	mustEqual(t, "shortfall", plan.Shortfall(), 60_000)

	_, err = sh.svc.Checkout(sh.ctx, user, 50_000, key("co"))
	var changed *commands.PriceChanged
	if !errors.As(err, &changed) || changed.Quote != 60_000 {
		t.Fatalf("checkout at a stale total: %v", err)
	}
	_, err = sh.svc.Checkout(sh.ctx, user, 60_000, key("co"))
	var short *account.InsufficientFunds
	if !errors.As(err, &short) || short.Shortfall() != 60_000 {
		t.Fatalf("checkout without funds: %v", err)
	}
	sh.fill(user, 70_000)
	res, err := sh.svc.Checkout(sh.ctx, user, 60_000, key("co-2")) // "co" was declined: a new key pays
	if err != nil {
		t.Fatal(err)
	}
	mustEqual(t, "rentals", len(res.Rentals), 2)
	mustEqual(t, "balance", res.Balance, 10_000)
	mustEqual(t, "second starts tomorrow", res.Rentals[1].StartsAt, tomorrow)
	c, _ := sh.svc.Lookup().LoadCart(sh.ctx, user)
	mustEqual(t, "cart items", len(c.Items), 0)
	mustEqual(t, "one debit for the whole cart", sh.debits(user, account.ForOrder), 1)

	_, err = sh.svc.Checkout(sh.ctx, user, 0, key("co-empty"))
	mustErr(t, err, domain.ErrConflict)
}

func TestRedeemAWithdrawal(t *testing.T) {
	sh := newShop(t)
	user, mauser := sh.customer(), sh.publish("Маузер")
	sh.fill(user, 50_000)
	_, err := sh.svc.Withdraw(sh.ctx, user, mauser, 24, 23_999, key("w0"))
	var changed *commands.PriceChanged
	if !errors.As(err, &changed) || changed.Quote != 24_000 {
		t.Fatalf("withdraw of a wrong sum: %v", err)
	}
	w, err := sh.svc.Withdraw(sh.ctx, user, mauser, 24, 24_000, key("w1"))
	if err != nil {
		t.Fatal(err)
	}
	mustEqual(t, "balance after withdrawal", w.Balance, 26_000)

	// The price goes up; the withdrawal still buys the term at the price it was paid.
	if _, _, err := sh.svc.Premiere(sh.ctx, mauser, premiere.Reprice{TheaterPrice: 1, OnlinePrice: 96_000, StandardHours: 48}, commands.Request{}); err != nil {
		t.Fatal(err)
	}
	_, err = sh.svc.Rent(sh.ctx, user, commands.RentInput{PremiereID: mauser, Hours: 12, Withdrawal: w.PaymentID}, key("r0"))
	mustErr(t, err, account.ErrRedeemMismatch)
	res, err := sh.svc.Rent(sh.ctx, user, commands.RentInput{PremiereID: mauser, Hours: 24, Withdrawal: w.PaymentID}, key("r1"))
	if err != nil {
		t.Fatal(err)
	}
	mustEqual(t, "balance", res.Balance, 26_000)
	r, _ := sh.svc.Lookup().LoadRental(sh.ctx, res.Rentals[0].RentalID)
	mustEqual(t, "paid", r.Paid(), 24_000)

	sh.clock.Advance(48 * time.Hour)
	_, err = sh.svc.Rent(sh.ctx, user, commands.RentInput{PremiereID: mauser, Hours: 24, Withdrawal: w.PaymentID}, key("r2"))
	mustErr(t, err, account.ErrAlreadyRedeemed)
}

func TestChangeTermAndCancel(t *testing.T) {
	sh := newShop(t)
	user, mauser := sh.customer(), sh.publish("Маузер")
	sh.fill(user, 100_000)
	order := sh.rent(user, mauser, 24, "rent")
	id := order.Rentals[0].RentalID
	mustEqual(t, "balance", sh.balance(user), 76_000)

	ext, err := sh.svc.ChangeTerm(sh.ctx, user, id, 48, key("extend"))
	if err != nil {
		t.Fatal(err)
	}
	mustEqual(t, "charged", ext.Delta, 24_000)
	mustEqual(t, "balance after extension", ext.Balance, 52_000)
	mustEqual(t, "hours", ext.Rental.Hours, 48)

	again, err := sh.svc.ChangeTerm(sh.ctx, user, id, 48, key("extend"))
	if err != nil || !again.Replayed || again.Delta != 24_000 {
		t.Fatalf("retried extension: %+v, %v", again, err)
	}
	mustEqual(t, "balance after retry", sh.balance(user), 52_000)

	sh.clock.Advance(90 * time.Minute) // two hours used
	short, err := sh.svc.ChangeTerm(sh.ctx, user, id, 10, key("shorten"))
	if err != nil {
		t.Fatal(err)
	}
	mustEqual(t, "refunded", short.Delta, -38_000)
	mustEqual(t, "balance after shortening", short.Balance, 90_000)
	_, err = sh.svc.ChangeTerm(sh.ctx, user, id, 1, key("too-short"))
	mustErr(t, err, domain.ErrInvalid)

	other := sh.customer()
	_, err = sh.svc.Cancel(sh.ctx, other, id, key("steal"))
	mustErr(t, err, rental.ErrNotRented)
	_, err = sh.svc.ChangeTerm(sh.ctx, other, id, 48, key("steal"))
	mustErr(t, err, rental.ErrNotRented)

	c, err := sh.svc.Cancel(sh.ctx, user, id, key("cancel"))
	if err != nil {
		t.Fatal(err)
	}
	mustEqual(t, "cancel refund", c.Delta, -8_000) // 10 h paid, 2 h used
	mustEqual(t, "balance after cancel", c.Balance, 98_000)
	again, err = sh.svc.Cancel(sh.ctx, user, id, key("cancel"))
	if err != nil || !again.Replayed {
		t.Fatalf("retried cancel: %+v, %v", again, err)
	}
	mustEqual(t, "balance after retried cancel", sh.balance(user), 98_000)
	_, err = sh.svc.Cancel(sh.ctx, user, id, key("cancel-2"))
	mustErr(t, err, rental.ErrCancelled)
	// What the rental cost: 2 hours.
	mustEqual(t, "money spent", money.Kopecks(100_000)-sh.balance(user), 2_000)
}

func TestExtensionInsufficientFundsChangesNothing(t *testing.T) {
	sh := newShop(t)
	user, mauser := sh.customer(), sh.publish("Маузер")
	sh.fill(user, 24_000)
	order := sh.rent(user, mauser, 24, "rent")
	_, err := sh.svc.ChangeTerm(sh.ctx, user, order.Rentals[0].RentalID, 48, key("extend"))
	mustErr(t, err, domain.ErrFunds)
	r, _ := sh.svc.Lookup().LoadRental(sh.ctx, order.Rentals[0].RentalID)
	mustEqual(t, "hours", r.Hours, 24)
	mustEqual(t, "balance", sh.balance(user), 0)
}

func TestRegister(t *testing.T) {
	sh := newShop(t)
	u, _, err := sh.svc.Register(sh.ctx, commands.Registration{Email: "Anna@Example.ru", FirstName: "Анна", LastName: "К", PasswordHash: "h"}, commands.Request{})
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = sh.svc.Register(sh.ctx, commands.Registration{Email: "anna@example.RU", FirstName: "Б", LastName: "В", PasswordHash: "h"}, commands.Request{})
	mustErr(t, err, domain.ErrConflict)
	found, err := sh.svc.Lookup().UserByEmail(sh.ctx, " ANNA@example.ru")
	if err != nil || found.ID != u.ID {
		t.Fatalf("by email: %v %v", found.ID, err)
	}
	_, _, err = sh.svc.Register(sh.ctx, commands.Registration{Email: "not-an-email", FirstName: "A", LastName: "B", PasswordHash: "h"}, commands.Request{})
	mustErr(t, err, domain.ErrInvalid)
}

func TestRegisterCompletesAClaimACrashLeftBehind(t *testing.T) {
	sh := newShop(t, commands.WithStepHook(func(step string) error {
		if step == "email claimed" {
			return errCrash
		}
		return nil
	}))
	reg := commands.Registration{Email: "anna@example.ru", FirstName: "Анна", LastName: "К", PasswordHash: "h"}
	_, _, err := sh.svc.Register(sh.ctx, reg, commands.Request{})
	mustErr(t, err, errCrash)
	sh.restart()
	_, err = sh.svc.Lookup().UserByEmail(sh.ctx, reg.Email)
	mustErr(t, err, domain.ErrNotFound)
	u, _, err := sh.svc.Register(sh.ctx, reg, commands.Request{})
	if err != nil {
		t.Fatal(err)
	}
	found, err := sh.svc.Lookup().UserByEmail(sh.ctx, reg.Email)
	if err != nil || found.ID != u.ID {
		t.Fatalf("by email after completion: %v %v", found.ID, err)
	}
}

// An idempotency key used for one operation and then for another is refused (422),
// never taken as a retry: the refund of a second cancellation must not be lost, a
// top-up must not silently do nothing, a rent must not break.
func TestAKeyReusedOnAnotherOperationIsRefused(t *testing.T) {
	sh := newShop(t)
	user, a, b := sh.customer(), sh.publish("Маузер"), sh.publish("Чайка")
	sh.fill(user, 100_000)
	ra := sh.rent(user, a, 24, "rent-a")
	rb := sh.rent(user, b, 24, "rent-b")
	reused := func(fingerprint string) commands.Request { return commands.Request{Key: "K", Fingerprint: fingerprint} }
	if _, err := sh.svc.Cancel(sh.ctx, user, ra.Rentals[0].RentalID, reused("cancel a")); err != nil {
		t.Fatal(err)
	}
	mustEqual(t, "balance after the first cancel", sh.balance(user), 76_000)

	_, err := sh.svc.Cancel(sh.ctx, user, rb.Rentals[0].RentalID, reused("cancel b"))
	mustErr(t, err, commands.ErrKeyReused)
	second, _ := sh.svc.Lookup().LoadRental(sh.ctx, rb.Rentals[0].RentalID)
	mustEqual(t, "second rental untouched", second.Cancelled, false)
	_, err = sh.svc.ChangeTerm(sh.ctx, user, rb.Rentals[0].RentalID, 48, reused("extend b"))
	mustErr(t, err, commands.ErrKeyReused)
	_, err = sh.svc.Fill(sh.ctx, user, 5_000, reused("fill"))
	mustErr(t, err, commands.ErrKeyReused)
	_, err = sh.svc.Rent(sh.ctx, user, commands.RentInput{PremiereID: a, Hours: 1}, reused("rent"))
	mustErr(t, err, commands.ErrKeyReused)
	mustEqual(t, "balance after the refused reuses", sh.balance(user), 76_000)

	// The original request with its key still replays.
	again, err := sh.svc.Cancel(sh.ctx, user, ra.Rentals[0].RentalID, reused("cancel a"))
	if err != nil || !again.Replayed {
		t.Fatalf("replay of the first cancel: %+v, %v", again, err)
	}
}

// Money taken buys what was promised: a withdrawal paid before its premiere left the
// catalogue is still redeemed, at the terms it was paid at.
func TestAWithdrawalIsRedeemedAfterThePremiereLeavesSale(t *testing.T) {
	sh := newShop(t)
	user, mauser := sh.customer(), sh.publish("Маузер")
	sh.fill(user, 50_000)
	w, err := sh.svc.Withdraw(sh.ctx, user, mauser, 24, 24_000, key("w1"))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := sh.svc.Premiere(sh.ctx, mauser, premiere.WithdrawFromSale{Now: sh.clock.Now()}, commands.Request{}); err != nil {
		t.Fatal(err)
	}
	// A plain rent is refused: the premiere is not on sale.
	_, err = sh.svc.Rent(sh.ctx, user, commands.RentInput{PremiereID: mauser, Hours: 24}, key("plain"))
	mustErr(t, err, domain.ErrConflict)
	_, err = sh.svc.Rent(sh.ctx, user, commands.RentInput{PremiereID: mauser, Hours: 12, Withdrawal: w.PaymentID}, key("r0"))
	mustErr(t, err, account.ErrRedeemMismatch)
	res, err := sh.svc.Rent(sh.ctx, user, commands.RentInput{PremiereID: mauser, Hours: 24, Withdrawal: w.PaymentID}, key("r1"))
	if err != nil {
		t.Fatalf("redeeming a paid withdrawal after the premiere left sale: %v", err)
	}
	mustEqual(t, "balance", res.Balance, 26_000)
	mustEqual(t, "title", res.Rentals[0].Title, "Маузер")
	r, _ := sh.svc.Lookup().LoadRental(sh.ctx, res.Rentals[0].RentalID)
	mustEqual(t, "paid", r.Paid(), 24_000)
	mustEqual(t, "hours", r.Hours, 24)
}
