package projections

import (
	"context"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain/account"
	"github.com/chance-video/chance/domain/money"
	"github.com/chance-video/chance/readmodel"
)

// Ledger projects every money event of every account into the billing history.
type Ledger struct{}

var ledgerEvents = handlesOf(account.FundsAdded{}, account.FundsWithdrawn{}, account.FundsRefunded{}, account.PaymentDeclined{})

func (Ledger) Name() string                  { return "ledger_v1" }
func (Ledger) Handles(eventType string) bool { return ledgerEvents.Handles(eventType) }

// Apply takes the store's transaction as the shared Tx (this read model has no port of its own yet).
func (p Ledger) Apply(ctx context.Context, w Writes, e Event) error {
	tx, err := As[Tx](p.Name(), w)
	if err != nil {
		return err
	}
	return p.apply(ctx, tx, e)
}

func (Ledger) apply(ctx context.Context, tx Tx, e Event) error {
	line, ok := ledgerLine(e)
	if !ok {
		return nil
	}
	return tx.AddLedgerEntry(ctx, line)
}

// ledgerLine is the billing-history line of a money event: debits negative, credits
// positive. A declined debit is a line too (auditors and the customer see the attempt),
// with the amount it asked for and the balance it left as it was: it is no movement.
func ledgerLine(e Event) (readmodel.LedgerEntry, bool) {
	line := readmodel.LedgerEntry{Position: e.Position.Commit, EventID: e.ID}
	switch ev := e.Event.(type) {
	case account.FundsAdded:
		line.UserID, line.Kind, line.Amount, line.BalanceAfter, line.PaymentID, line.OccurredAt =
			ev.UserID, readmodel.KindTopUp, ev.Amount, ev.BalanceAfter, ev.Payment, ev.At
	case account.FundsWithdrawn:
		line.UserID, line.Kind, line.Purpose, line.Amount, line.BalanceAfter, line.PaymentID, line.RentalID, line.OccurredAt =
			ev.UserID, readmodel.KindWithdrawal, string(ev.Purpose.Kind), -ev.Amount, ev.BalanceAfter, ev.Payment, firstRental(ev.Purpose), ev.At
	case account.FundsRefunded:
		line.UserID, line.Kind, line.Purpose, line.Amount, line.BalanceAfter, line.PaymentID, line.RentalID, line.OccurredAt =
			ev.UserID, readmodel.KindRefund, string(ev.Purpose.Kind), ev.Amount, ev.BalanceAfter, ev.Payment, ev.Purpose.RentalID, ev.At
	case account.PaymentDeclined:
		line.UserID, line.Kind, line.Purpose, line.Amount, line.BalanceAfter, line.PaymentID, line.RentalID, line.OccurredAt =
			ev.UserID, readmodel.KindDebitDeclined, string(ev.Purpose.Kind), -ev.Amount, ev.Balance, ev.Payment, declinedRental(ev), ev.At
	default:
		return line, false
	}
	return line, true
}

// firstRental is the rental a purpose is about: the term change's or cancellation's,
// or an order's only (or first) rental.
func firstRental(p account.Purpose) uuid.UUID {
	if p.RentalID != uuid.Nil || len(p.Rentals) == 0 {
		return p.RentalID
	}
	return p.Rentals[0].RentalID
}

// declinedRental is the rental a declined debit was about, if it exists: a term change's.
// An order's rentals were never created, and their ids go to the next order that pays.
func declinedRental(d account.PaymentDeclined) uuid.UUID { return d.Purpose.RentalID }

func firstPremiere(p account.Purpose) uuid.UUID {
	if p.PremiereID != uuid.Nil || len(p.Rentals) == 0 {
		return p.PremiereID
	}
	return p.Rentals[0].PremiereID
}

func premiereOf(e Event) uuid.UUID {
	switch ev := e.Event.(type) {
	case account.FundsWithdrawn:
		return firstPremiere(ev.Purpose)
	case account.FundsRefunded:
		return firstPremiere(ev.Purpose)
	case account.PaymentDeclined:
		return firstPremiere(ev.Purpose)
	}
	return uuid.Nil
}

func abs(k money.Kopecks) money.Kopecks { return max(k, -k) }
