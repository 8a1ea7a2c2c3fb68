package commands_test

import (
	"errors"
	"testing"

	"github.com/google/uuid"

	"github.com/chance-video/chance/commands"
	"github.com/chance-video/chance/domain"
	"github.com/chance-video/chance/domain/account"
	"github.com/chance-video/chance/domain/money"
	"github.com/chance-video/chance/domain/rental"
	"github.com/chance-video/chance/eventlog"
)

// Every debit path records a declined debit, names it in the refusal, and answers a
// retry with the same key with the same refusal even after a top-up; a new key pays.
func TestDeclinedDebitsAreRecordedAndAnsweredAgain(t *testing.T) {
	type path struct {
		name    string
		balance money.Kopecks                                      // what the customer has when trying
		setup   func(sh *shop, user, premiere uuid.UUID) uuid.UUID // returns a rental for a term change
		debit   func(sh *shop, user, premiere, rentalID uuid.UUID, k string) error
		needed  money.Kopecks
	}
	paths := []path{
		{name: "withdraw", balance: 1_000, needed: 24_000, debit: func(sh *shop, user, p, _ uuid.UUID, k string) error {
			_, err := sh.svc.Withdraw(sh.ctx, user, p, 24, 24_000, key(k))
			return err
		}},
		{name: "rent", balance: 1_000, needed: 24_000, debit: func(sh *shop, user, p, _ uuid.UUID, k string) error {
			_, err := sh.svc.Rent(sh.ctx, user, commands.RentInput{PremiereID: p, Hours: 24}, key(k))
			return err
		}},
		{name: "checkout", balance: 1_000, needed: 24_000,
			setup: func(sh *shop, user, p uuid.UUID) uuid.UUID { sh.addToCart(user, p, 24); return uuid.Nil },
			debit: func(sh *shop, user, _, _ uuid.UUID, k string) error {
				_, err := sh.svc.Checkout(sh.ctx, user, 24_000, key(k))
				return err
			}},
		{name: "term extension", balance: 25_000, needed: 24_000,
			setup: func(sh *shop, user, p uuid.UUID) uuid.UUID {
				return sh.rent(user, p, 24, "setup-rent").Rentals[0].RentalID
			},
			debit: func(sh *shop, user, _, r uuid.UUID, k string) error {
				_, err := sh.svc.ChangeTerm(sh.ctx, user, r, 48, key(k))
				return err
			}},
	}
	for _, p := range paths {
		t.Run(p.name, func(t *testing.T) {
			sh := newShop(t)
			user, mauser := sh.customer(), sh.publish("Маузер")
			sh.fill(user, p.balance)
			var rentalID uuid.UUID
			if p.setup != nil {
				rentalID = p.setup(sh, user, mauser)
			}
			before := sh.balance(user)

			err := p.debit(sh, user, mauser, rentalID, "try")
			var declined *commands.Declined
			if !errors.As(err, &declined) || declined.Replayed || declined.Position.IsStart() {
				t.Fatalf("debit without funds: %v", err)
			}
			payment := commands.PaymentID(user, "try")
			mustEqual(t, "declined payment", declined.PaymentID, payment)
			mustEqual(t, "needed", declined.Needed, p.needed)
			mustEqual(t, "balance in the refusal", declined.Balance, before)
			acct, _ := sh.svc.Lookup().LoadAccount(sh.ctx, user)
			events := sh.accountEvents(user)
			d, recorded := events[len(events)-1].(account.PaymentDeclined)
			if !recorded || d.Payment != payment || d.Reason != account.DeclinedInsufficientFunds || d.Amount != p.needed || d.Balance != before {
				t.Fatalf("recorded decline %+v (%v)", d, recorded)
			}
			if _, redeemable := acct.Withdrawal(payment); !acct.Declined(payment) || redeemable {
				t.Fatal("the declined payment is not declined, or counts as a payment made")
			}

			// The same key after a top-up: the same refusal, and no money moves.
			sh.fill(user, 100_000)
			err = p.debit(sh, user, mauser, rentalID, "try")
			var again *commands.Declined
			if !errors.As(err, &again) || !again.Replayed || again.PaymentID != payment || again.Balance != before || again.Position != declined.Position {
				t.Fatalf("retry after a top-up: %v (%+v)", err, again)
			}
			mustEqual(t, "balance after the retry", sh.balance(user), before+100_000)

			// Recovery finds no flow in a decline.
			if _, err := sh.recover(eventlog.Start); err != nil {
				t.Fatal(err)
			}
			mustEqual(t, "balance after recovery", sh.balance(user), before+100_000)

			// A new key pays.
			if err := p.debit(sh, user, mauser, rentalID, "new"); err != nil {
				t.Fatalf("debit with a new key: %v", err)
			}
			mustEqual(t, "balance after paying", sh.balance(user), before+100_000-p.needed)
		})
	}
}

// A declined withdrawal cannot be redeemed by a rent.
func TestADeclinedWithdrawalIsNotRedeemable(t *testing.T) {
	sh := newShop(t)
	user, mauser := sh.customer(), sh.publish("Маузер")
	_, err := sh.svc.Withdraw(sh.ctx, user, mauser, 24, 24_000, key("w"))
	mustErr(t, err, domain.ErrFunds)
	sh.fill(user, 100_000)
	_, err = sh.svc.Rent(sh.ctx, user, commands.RentInput{PremiereID: mauser, Hours: 24, Withdrawal: commands.PaymentID(user, "w")}, key("r"))
	mustErr(t, err, account.ErrDeclinedPayment)
	mustEqual(t, "balance", sh.balance(user), 100_000)
	r, _ := sh.svc.Lookup().LoadRental(sh.ctx, rental.SlotID(user, mauser, 0))
	mustEqual(t, "rental exists", r.Exists(), false)
}
