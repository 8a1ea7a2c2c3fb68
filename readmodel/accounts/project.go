package accounts

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain"
	"github.com/chance-video/chance/domain/account"
	"github.com/chance-video/chance/domain/money"
	"github.com/chance-video/chance/projections"
	"github.com/chance-video/chance/readmodel"
	"github.com/chance-video/chance/readmodel/ledger"
)

// Projector keeps balances and payment statuses.
var Projector = projections.NewModel(Name, Project, account.Events()...)

// Project applies a money event to the balance and the payment it moved.
func Project(ctx context.Context, w Writes, e projections.Event) error {
	if r, ok := e.Event.(account.PaymentRedeemed); ok {
		return w.PutPayment(ctx, Payment{ID: r.Payment, UserID: r.UserID, Kind: readmodel.KindRedemption,
			Purpose: string(r.Purpose.Kind), Amount: r.Amount, Status: readmodel.PaymentSucceeded,
			Reason: "paid by withdrawal " + r.Withdrawal.String(), PremiereID: readmodel.FirstPremiere(r.Purpose),
			RentalID: readmodel.FirstRental(r.Purpose), CreatedAt: r.At})
	}
	if d, ok := e.Event.(account.PaymentDeclined); ok {
		return w.PutPayment(ctx, declinedPayment(d)) // no money moved: the balance is left alone
	}
	switch t := e.Event.(type) {
	case account.TopUpRequested: // no money moved yet
		return w.PutPayment(ctx, Payment{ID: t.Payment, UserID: t.UserID, Kind: readmodel.KindTopUp, Amount: t.Amount,
			Status: readmodel.PaymentPending, CreatedAt: t.At, ConfirmationURL: t.ConfirmationURL, ExpiresAt: t.ExpiresAt})
	case account.TopUpCanceled:
		p := canceledTopUp(t)
		if requested, found, err := w.Payment(ctx, t.Payment); err != nil {
			return err
		} else if found {
			p.CreatedAt = requested.CreatedAt // a payment is dated when it was asked for
		}
		return w.PutPayment(ctx, p)
	}
	line, ok := ledger.LineOf(e)
	if !ok {
		return nil
	}
	if err := w.PutBalance(ctx, line.UserID, line.BalanceAfter); err != nil {
		return err
	}
	kind := readmodel.KindWithdrawal
	switch {
	case line.Kind == readmodel.KindTopUp:
		kind = readmodel.KindTopUp
	case line.Amount > 0:
		kind = readmodel.KindRefund
	}
	return w.PutPayment(ctx, Payment{ID: line.PaymentID, UserID: line.UserID, Kind: kind, Purpose: line.Purpose,
		Amount: abs(line.Amount), Status: readmodel.PaymentSucceeded, PremiereID: premiereOf(e.Event), RentalID: line.RentalID, CreatedAt: line.OccurredAt})
}

// declinedPayment is the status of a declined debit: rejected, with its reason.
func declinedPayment(d account.PaymentDeclined) Payment {
	reason := string(d.Reason)
	if d.Reason == account.DeclinedInsufficientFunds {
		reason = fmt.Sprintf("insufficient funds: the balance was %d kopecks, %d were needed", d.Balance, d.Amount)
	}
	return Payment{ID: d.Payment, UserID: d.UserID, Kind: readmodel.KindWithdrawal, Purpose: string(d.Purpose.Kind),
		Amount: d.Amount, Status: readmodel.PaymentRejected, Reason: reason, PremiereID: readmodel.FirstPremiere(d.Purpose),
		RentalID: readmodel.DeclinedRental(d), CreatedAt: d.At}
}

// canceledTopUp is the status of a top-up that ended unpaid: canceled (declined) or expired.
func canceledTopUp(c account.TopUpCanceled) Payment {
	p := Payment{ID: c.Payment, UserID: c.UserID, Kind: readmodel.KindTopUp, Amount: c.Amount, Status: readmodel.PaymentCanceled,
		Reason: "the payment was declined", CreatedAt: c.At}
	if c.Reason == account.CanceledExpired {
		p.Status, p.Reason = readmodel.PaymentExpired, "nobody paid before it expired"
	}
	return p
}

func premiereOf(e domain.Event) uuid.UUID {
	switch ev := e.(type) {
	case account.FundsWithdrawn:
		return readmodel.FirstPremiere(ev.Purpose)
	case account.FundsRefunded:
		return readmodel.FirstPremiere(ev.Purpose)
	case account.PaymentDeclined:
		return readmodel.FirstPremiere(ev.Purpose)
	}
	return uuid.Nil
}

func abs(k money.Kopecks) money.Kopecks { return max(k, -k) }
