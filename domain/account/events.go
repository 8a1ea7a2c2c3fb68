package account

import (
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain"
	"github.com/chance-video/chance/domain/money"
)

// FundsAdded: the customer topped up the balance.
type FundsAdded struct {
	UserID       uuid.UUID
	Payment      uuid.UUID
	Amount       money.Kopecks
	BalanceAfter money.Kopecks
	At           time.Time
}

// FundsWithdrawn: the balance was debited for Purpose.
type FundsWithdrawn struct {
	UserID       uuid.UUID
	Payment      uuid.UUID
	Amount       money.Kopecks
	BalanceAfter money.Kopecks
	Purpose      Purpose
	At           time.Time
}

// FundsRefunded: money came back to the balance for Purpose.
type FundsRefunded struct {
	UserID       uuid.UUID
	Payment      uuid.UUID
	Amount       money.Kopecks
	BalanceAfter money.Kopecks
	Purpose      Purpose
	At           time.Time
}

// PaymentRedeemed: an earlier premiere withdrawal now pays for the order in Purpose.
type PaymentRedeemed struct {
	UserID     uuid.UUID
	Payment    uuid.UUID
	Withdrawal uuid.UUID
	Amount     money.Kopecks
	Purpose    Purpose
	At         time.Time
}

// PaymentDeclined: a debit was refused and moved no money. Balance is the balance the
// decision saw, unchanged by it; Amount is what the debit asked for.
type PaymentDeclined struct {
	UserID  uuid.UUID
	Payment uuid.UUID
	Amount  money.Kopecks
	Balance money.Kopecks
	Reason  DeclineReason
	Purpose Purpose
	At      time.Time
}

// DeclineReason says why a debit was declined.
type DeclineReason string

// Reasons for declining a debit.
const (
	// DeclinedInsufficientFunds: the balance was short of the amount.
	DeclinedInsufficientFunds DeclineReason = "insufficient_funds"
)

// Refusal is the error the decline answers the customer with, every time it is asked.
func (e PaymentDeclined) Refusal() *InsufficientFunds {
	return &InsufficientFunds{Balance: e.Balance, Needed: e.Amount, PaymentID: e.Payment}
}

func (FundsAdded) EventType() string      { return "account.funds_added.v1" }
func (FundsWithdrawn) EventType() string  { return "account.funds_withdrawn.v1" }
func (FundsRefunded) EventType() string   { return "account.funds_refunded.v1" }
func (PaymentRedeemed) EventType() string { return "account.payment_redeemed.v1" }
func (PaymentDeclined) EventType() string { return "account.payment_declined.v1" }

// Events lists one value of each event type, for the codec.
func Events() []domain.Event {
	return []domain.Event{FundsAdded{}, FundsWithdrawn{}, FundsRefunded{}, PaymentRedeemed{}, PaymentDeclined{}, TopUpRequested{}, TopUpCanceled{}}
}
