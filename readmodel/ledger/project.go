package ledger

import (
	"context"

	"github.com/chance-video/chance/domain/account"
	"github.com/chance-video/chance/projections"
	"github.com/chance-video/chance/readmodel"
)

// Projector keeps the billing history. It handles every account event, those that
// make no line too, so that how far each account stream is applied is known.
var Projector = projections.NewModel(Name, Project, account.Events()...)

// Project records the line of a money event, and how far its account stream is applied
// (in the same transaction, so the two never disagree).
func Project(ctx context.Context, w Writes, e projections.Event) error {
	if line, ok := LineOf(e); ok {
		if err := w.AddEntry(ctx, line); err != nil {
			return err
		}
	}
	return w.Applied(ctx, e.StreamID, e.Revision)
}

// LineOf is the billing-history line of a money event: debits negative, credits
// positive. A declined debit is a line too (auditors and the customer see the attempt),
// with the amount it asked for and the balance it left as it was: it is no movement.
func LineOf(e projections.Event) (Entry, bool) {
	line := Entry{Position: e.Position.Commit, EventID: e.ID}
	switch ev := e.Event.(type) {
	case account.FundsAdded:
		line.UserID, line.Kind, line.Amount, line.BalanceAfter, line.PaymentID, line.OccurredAt =
			ev.UserID, readmodel.KindTopUp, ev.Amount, ev.BalanceAfter, ev.Payment, ev.At
	case account.FundsWithdrawn:
		line.UserID, line.Kind, line.Purpose, line.Amount, line.BalanceAfter, line.PaymentID, line.RentalID, line.OccurredAt =
			ev.UserID, readmodel.KindWithdrawal, string(ev.Purpose.Kind), -ev.Amount, ev.BalanceAfter, ev.Payment, readmodel.FirstRental(ev.Purpose), ev.At
	case account.FundsRefunded:
		line.UserID, line.Kind, line.Purpose, line.Amount, line.BalanceAfter, line.PaymentID, line.RentalID, line.OccurredAt =
			ev.UserID, readmodel.KindRefund, string(ev.Purpose.Kind), ev.Amount, ev.BalanceAfter, ev.Payment, ev.Purpose.RentalID, ev.At
	case account.PaymentDeclined:
		line.UserID, line.Kind, line.Purpose, line.Amount, line.BalanceAfter, line.PaymentID, line.RentalID, line.OccurredAt =
			ev.UserID, readmodel.KindDebitDeclined, string(ev.Purpose.Kind), -ev.Amount, ev.Balance, ev.Payment, readmodel.DeclinedRental(ev), ev.At
	default:
		return line, false
	}
	return line, true
}
