package commands_test

import (
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/commands"
	"github.com/chance-video/chance/domain/cart"
	"github.com/chance-video/chance/domain/money"
	"github.com/chance-video/chance/domain/rental"
	"github.com/chance-video/chance/eventlog"
)

// A flow scenario: setup runs without crashes and returns the request under test;
// want describes the state that request must leave, however it was interrupted.
type flowCase struct {
	name  string
	setup func(sh *shop) (user uuid.UUID, request func(sh *shop) error)
	want  func(t *testing.T, sh *shop, user uuid.UUID)
}

func rentalOf(t *testing.T, sh *shop, user, premiereID uuid.UUID) rental.State {
	t.Helper()
	r, err := sh.svc.Lookup().LoadRental(sh.ctx, rental.SlotID(user, premiereID, 0))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func flowCases() []flowCase {
	var mauser, chaika uuid.UUID
	rented := func(sh *shop, user uuid.UUID, hours int) {
		if _, err := sh.svc.Rent(sh.ctx, user, commands.RentInput{PremiereID: mauser, Hours: hours}, key("setup-rent")); err != nil {
			sh.t.Fatal(err)
		}
	}
	customer := func(sh *shop) uuid.UUID {
		user := sh.customer()
		mauser, chaika = sh.publish("Маузер"), sh.publish("Чайка")
		sh.fill(user, 100_000)
		return user
	}
	return []flowCase{
		{
			name: "rent",
			setup: func(sh *shop) (uuid.UUID, func(*shop) error) {
				user := customer(sh)
				return user, func(sh *shop) error {
					_, err := sh.svc.Rent(sh.ctx, user, commands.RentInput{PremiereID: mauser, Hours: 24}, key("k"))
					return err
				}
			},
			want: func(t *testing.T, sh *shop, user uuid.UUID) {
				mustEqual(t, "balance", sh.balance(user), 76_000)
				mustEqual(t, "hours", rentalOf(t, sh, user, mauser).Hours, 24)
			},
		},
		{
			name: "checkout",
			setup: func(sh *shop) (uuid.UUID, func(*shop) error) {
				user := customer(sh)
				for _, p := range []uuid.UUID{mauser, chaika} {
					if _, _, err := sh.svc.AddToCart(sh.ctx, user, cart.Item{PremiereID: p, Hours: 12}, commands.Request{}); err != nil {
						sh.t.Fatal(err)
					}
				}
				return user, func(sh *shop) error {
					_, err := sh.svc.Checkout(sh.ctx, user, 24_000, key("k"))
					return err
				}
			},
			want: func(t *testing.T, sh *shop, user uuid.UUID) {
				mustEqual(t, "balance", sh.balance(user), 76_000)
				mustEqual(t, "first rental", rentalOf(t, sh, user, mauser).Hours, 12)
				mustEqual(t, "second rental", rentalOf(t, sh, user, chaika).Hours, 12)
				c, _ := sh.svc.Lookup().LoadCart(sh.ctx, user)
				mustEqual(t, "cart items", len(c.Items), 0)
			},
		},
		{
			name: "redeem",
			setup: func(sh *shop) (uuid.UUID, func(*shop) error) {
				user := customer(sh)
				w, err := sh.svc.Withdraw(sh.ctx, user, mauser, 24, 24_000, key("setup-withdraw"))
				if err != nil {
					sh.t.Fatal(err)
				}
				return user, func(sh *shop) error {
					_, err := sh.svc.Rent(sh.ctx, user, commands.RentInput{PremiereID: mauser, Hours: 24, Withdrawal: w.PaymentID}, key("k"))
					return err
				}
			},
			want: func(t *testing.T, sh *shop, user uuid.UUID) {
				mustEqual(t, "balance", sh.balance(user), 76_000)
				mustEqual(t, "hours", rentalOf(t, sh, user, mauser).Hours, 24)
			},
		},
		{
			name: "extend",
			setup: func(sh *shop) (uuid.UUID, func(*shop) error) {
				user := customer(sh)
				rented(sh, user, 24)
				return user, func(sh *shop) error {
					_, err := sh.svc.ChangeTerm(sh.ctx, user, rental.SlotID(user, mauser, 0), 48, key("k"))
					return err
				}
			},
			want: func(t *testing.T, sh *shop, user uuid.UUID) {
				mustEqual(t, "balance", sh.balance(user), 52_000)
				mustEqual(t, "hours", rentalOf(t, sh, user, mauser).Hours, 48)
			},
		},
		{
			name: "shorten",
			setup: func(sh *shop) (uuid.UUID, func(*shop) error) {
				user := customer(sh)
				rented(sh, user, 48)
				sh.clock.Advance(time.Hour)
				return user, func(sh *shop) error {
					_, err := sh.svc.ChangeTerm(sh.ctx, user, rental.SlotID(user, mauser, 0), 10, key("k"))
					return err
				}
			},
			want: func(t *testing.T, sh *shop, user uuid.UUID) {
				mustEqual(t, "balance", sh.balance(user), 90_000)
				mustEqual(t, "hours", rentalOf(t, sh, user, mauser).Hours, 10)
			},
		},
		{
			name: "cancel",
			setup: func(sh *shop) (uuid.UUID, func(*shop) error) {
				user := customer(sh)
				rented(sh, user, 24)
				sh.clock.Advance(30 * time.Minute)
				return user, func(sh *shop) error {
					_, err := sh.svc.Cancel(sh.ctx, user, rental.SlotID(user, mauser, 0), key("k"))
					return err
				}
			},
			want: func(t *testing.T, sh *shop, user uuid.UUID) {
				mustEqual(t, "balance", sh.balance(user), money.Kopecks(100_000-1_000)) // one started hour kept
				mustEqual(t, "cancelled", rentalOf(t, sh, user, mauser).Cancelled, true)
			},
		},
	}
}

// crashAt makes the n-th flow step (from 1) fail as a crash would.
func crashAt(n int) commands.Option {
	steps := 0
	return commands.WithStepHook(func(string) error {
		steps++
		if steps == n {
			return errCrash
		}
		return nil
	})
}

// TestCrashBetweenStepsThenRecover crashes each flow after each of its steps, restarts,
// runs recovery, and checks that balances and rentals are exactly right — and stay so
// when the client then retries with the same key.
func TestCrashBetweenStepsThenRecover(t *testing.T) {
	for _, fc := range flowCases() {
		for crash := 1; ; crash++ {
			crashed := false
			t.Run(fc.name+"/crash after step "+strconv.Itoa(crash), func(t *testing.T) {
				sh := newShop(t)
				user, request := fc.setup(sh)
				sh.restart(crashAt(crash))
				err := request(sh)
				if !errors.Is(err, errCrash) {
					if err != nil {
						t.Fatalf("request: %v", err)
					}
					return // the flow has fewer steps: every crash point is covered
				}
				crashed = true
				sh.restart()
				if _, err := sh.recover(eventlog.Start); err != nil {
					t.Fatalf("recover: %v", err)
				}
				fc.want(t, sh, user)
				// Recovery twice changes nothing.
				if _, err := sh.recover(eventlog.Start); err != nil {
					t.Fatalf("second recover: %v", err)
				}
				fc.want(t, sh, user)
				if err := request(sh); err != nil {
					t.Fatalf("client retry after recovery: %v", err)
				}
				fc.want(t, sh, user)
			})
			if !crashed {
				break
			}
		}
	}
}

// TestCrashThenClientRetry: without running recovery, the client's retry with the same
// key completes the interrupted flow.
func TestCrashThenClientRetry(t *testing.T) {
	for _, fc := range flowCases() {
		for crash := 1; crash <= 4; crash++ {
			t.Run(fc.name+"/crash after step "+strconv.Itoa(crash), func(t *testing.T) {
				sh := newShop(t)
				user, request := fc.setup(sh)
				sh.restart(crashAt(crash))
				if err := request(sh); err != nil && !errors.Is(err, errCrash) {
					t.Fatalf("request: %v", err)
				}
				sh.restart()
				if err := request(sh); err != nil {
					t.Fatalf("retry: %v", err)
				}
				fc.want(t, sh, user)
			})
		}
	}
}

// An extension is paid, the process crashes before applying it, and the customer
// cancels meanwhile: recovery cannot apply the extension and refunds its charge.
func TestRecoveryCompensatesAnExtensionThatCanNoLongerApply(t *testing.T) {
	sh := newShop(t)
	user, mauser := sh.customer(), sh.publish("Маузер")
	sh.fill(user, 100_000)
	order := sh.rent(user, mauser, 24, "rent")
	id := order.Rentals[0].RentalID
	sh.restart(crashAt(1))
	_, err := sh.svc.ChangeTerm(sh.ctx, user, id, 48, key("extend"))
	mustErr(t, err, errCrash)
	mustEqual(t, "balance with the extension charged", sh.balance(user), 52_000)

	sh.restart()
	if _, err := sh.svc.Cancel(sh.ctx, user, id, key("cancel")); err != nil {
		t.Fatal(err)
	}
	if _, err := sh.recover(eventlog.Start); err != nil {
		t.Fatal(err)
	}
	mustEqual(t, "balance", sh.balance(user), 100_000) // rent refunded in full, extension compensated
	r, _ := sh.svc.Lookup().LoadRental(sh.ctx, id)
	mustEqual(t, "hours", r.Hours, 24)
	_, err = sh.svc.ChangeTerm(sh.ctx, user, id, 48, key("extend"))
	mustErr(t, err, commands.ErrTermChangedMeanwhile)
	mustEqual(t, "balance after the client's retry", sh.balance(user), 100_000)
}

// Recovery may resume a flow while its request is still completing it (a pass that
// finds it before the grace period has ended, or two processes). Both run the same
// keyed steps, so completing a flow twice, interleaved at any step, changes nothing.
func TestRecoveryRacingTheRequestCompletesTheFlowOnce(t *testing.T) {
	for _, fc := range flowCases() {
		for at := 1; ; at++ {
			reached := false
			t.Run(fc.name+"/recovery after step "+strconv.Itoa(at), func(t *testing.T) {
				sh := newShop(t)
				user, request := fc.setup(sh)
				steps, inRecovery := 0, false
				sh.restart(commands.WithStepHook(func(string) error {
					if inRecovery {
						return nil
					}
					if steps++; steps == at {
						reached, inRecovery = true, true
						defer func() { inRecovery = false }()
						if _, err := sh.recover(eventlog.Start); err != nil {
							t.Errorf("recovery in the middle of the request: %v", err)
						}
					}
					return nil
				}))
				if err := request(sh); err != nil {
					t.Fatalf("request with recovery racing it: %v", err)
				}
				fc.want(t, sh, user)
			})
			if !reached {
				break
			}
		}
	}
}

// A flow recovery cannot complete yet does not hold up the others, and the position a
// pass returns stays before it, so the next pass (from that position) completes it.
func TestRecoveryKeepsItsPositionBeforeAFlowItCouldNotComplete(t *testing.T) {
	sh := newShop(t)
	first, second := sh.customer(), sh.customer()
	mauser := sh.publish("Маузер")
	sh.fill(first, 100_000)
	sh.fill(second, 100_000)
	before, err := sh.store.Head(sh.ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, user := range []uuid.UUID{first, second} { // both paid, neither rented
		sh.restart(crashAt(1))
		_, err := sh.svc.Rent(sh.ctx, user, commands.RentInput{PremiereID: mauser, Hours: 24}, key("k"))
		mustErr(t, err, errCrash)
	}
	sh.restart(crashAt(1)) // the first flow recovery resumes fails after its rental
	reached, err := sh.recover(before)
	mustErr(t, err, errCrash)
	if reached != before {
		t.Fatalf("recovery reached %s past a flow it could not complete (from %s)", reached, before)
	}
	mustEqual(t, "second customer's rental", rentalOf(t, sh, second, mauser).Hours, 24)

	sh.restart()
	if _, err := sh.recover(reached); err != nil {
		t.Fatal(err)
	}
	for _, user := range []uuid.UUID{first, second} {
		mustEqual(t, "balance", sh.balance(user), 76_000)
		mustEqual(t, "hours", rentalOf(t, sh, user, mauser).Hours, 24)
	}
}
