package audit

import (
	"github.com/google/uuid"

	"github.com/chance-video/chance/domain"
	"github.com/chance-video/chance/domain/account"
	"github.com/chance-video/chance/domain/money"
	"github.com/chance-video/chance/readmodel"
	"github.com/chance-video/chance/readmodel/accounts"
)

// fact is what one account event says about money: the payment it settles and, for
// a movement of the balance, the billing-history line it makes.
type fact struct {
	user    uuid.UUID
	payment accounts.Payment // the state GET /billing/status must show (ID, UserID, Kind, Amount, Status)
	line    bool             // the event is a line of the billing history
	amount  money.Kopecks    // the line's amount: credits positive, debits negative
	after   money.Kopecks    // the balance the event recorded after itself, for a line
}

// factOf derives what an account event says; ok is false for events that are not
// about money. A new account event is one arm here.
func factOf(e domain.Event) (f fact, ok bool) {
	pay := func(user, id uuid.UUID, kind string, amount money.Kopecks, status string) accounts.Payment {
		return accounts.Payment{ID: id, UserID: user, Kind: kind, Amount: amount, Status: status}
	}
	switch e := e.(type) {
	case account.FundsAdded:
		return fact{user: e.UserID, payment: pay(e.UserID, e.Payment, readmodel.KindTopUp, e.Amount, readmodel.PaymentSucceeded),
			line: true, amount: e.Amount, after: e.BalanceAfter}, true
	case account.FundsWithdrawn:
		return fact{user: e.UserID, payment: pay(e.UserID, e.Payment, readmodel.KindWithdrawal, e.Amount, readmodel.PaymentSucceeded),
			line: true, amount: -e.Amount, after: e.BalanceAfter}, true
	case account.FundsRefunded:
		return fact{user: e.UserID, payment: pay(e.UserID, e.Payment, readmodel.KindRefund, e.Amount, readmodel.PaymentSucceeded),
			line: true, amount: e.Amount, after: e.BalanceAfter}, true
	case account.PaymentRedeemed:
		// Paid by an earlier withdrawal: no money moves now, so no line.
		return fact{user: e.UserID, payment: pay(e.UserID, e.Payment, readmodel.KindRedemption, e.Amount, readmodel.PaymentSucceeded)}, true
	case account.PaymentDeclined:
		// Refused: the attempt is a history line for what it asked, leaving the balance as it was.
		return fact{user: e.UserID, payment: pay(e.UserID, e.Payment, readmodel.KindWithdrawal, e.Amount, readmodel.PaymentRejected),
			line: true, amount: -e.Amount, after: e.Balance}, true
	case account.TopUpRequested:
		// Waiting for the provider: no money moved, so no line.
		return fact{user: e.UserID, payment: pay(e.UserID, e.Payment, readmodel.KindTopUp, e.Amount, readmodel.PaymentPending)}, true
	case account.TopUpCanceled:
		status := readmodel.PaymentCanceled
		if e.Reason == account.CanceledExpired {
			status = readmodel.PaymentExpired
		}
		return fact{user: e.UserID, payment: pay(e.UserID, e.Payment, readmodel.KindTopUp, e.Amount, status)}, true
	}
	return fact{}, false
}
