package projections

import (
	"context"
	"fmt"

	"github.com/chance-video/chance/domain/account"
	"github.com/chance-video/chance/readmodel"
)

// Accounts projects balances and payments (for GET /billing/amount and /billing/status).
type Accounts struct{}

var accountEvents = handlesOf(account.Events()...)

func (Accounts) Name() string                  { return "accounts_v1" }
func (Accounts) Handles(eventType string) bool { return accountEvents.Handles(eventType) }

// Apply takes the store's transaction as the shared Tx (this read model has no port of its own yet).
func (p Accounts) Apply(ctx context.Context, w Writes, e Event) error {
	tx, err := As[Tx](p.Name(), w)
	if err != nil {
		return err
	}
	return p.apply(ctx, tx, e)
}

func (Accounts) apply(ctx context.Context, tx Tx, e Event) error {
	if r, ok := e.Event.(account.PaymentRedeemed); ok {
		return tx.PutPayment(ctx, readmodel.Payment{ID: r.Payment, UserID: r.UserID, Kind: readmodel.KindRedemption,
			Purpose: string(r.Purpose.Kind), Amount: r.Amount, Status: readmodel.PaymentSucceeded,
			Reason: "paid by withdrawal " + r.Withdrawal.String(), PremiereID: firstPremiere(r.Purpose),
			RentalID: firstRental(r.Purpose), CreatedAt: r.At})
	}
	if d, ok := e.Event.(account.PaymentDeclined); ok {
		return tx.PutPayment(ctx, declinedPayment(d)) // no money moved: the balance is left alone
	}
	line, ok := ledgerLine(e)
	if !ok {
		return nil
	}
	if err := tx.PutBalance(ctx, line.UserID, line.BalanceAfter); err != nil {
		return err
	}
	kind := readmodel.KindWithdrawal
	switch {
	case line.Kind == readmodel.KindTopUp:
		kind = readmodel.KindTopUp
	case line.Amount > 0:
		kind = readmodel.KindRefund
	}
	return tx.PutPayment(ctx, readmodel.Payment{ID: line.PaymentID, UserID: line.UserID, Kind: kind, Purpose: line.Purpose,
		Amount: abs(line.Amount), Status: readmodel.PaymentSucceeded, PremiereID: premiereOf(e), RentalID: line.RentalID, CreatedAt: line.OccurredAt})
}

// declinedPayment is the status of a declined debit: rejected, with its reason.
func declinedPayment(d account.PaymentDeclined) readmodel.Payment {
	reason := string(d.Reason)
	if d.Reason == account.DeclinedInsufficientFunds {
		reason = fmt.Sprintf("insufficient funds: the balance was %d kopecks, %d were needed", d.Balance, d.Amount)
	}
	return readmodel.Payment{ID: d.Payment, UserID: d.UserID, Kind: readmodel.KindWithdrawal, Purpose: string(d.Purpose.Kind),
		Amount: d.Amount, Status: readmodel.PaymentRejected, Reason: reason, PremiereID: firstPremiere(d.Purpose),
		RentalID: declinedRental(d), CreatedAt: d.At}
}
