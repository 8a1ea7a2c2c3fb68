package readmodel

import (
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain/money"
)

// Payment statuses.
const (
	PaymentSucceeded = "succeeded"
	PaymentRejected  = "rejected"
	PaymentPending   = "pending"
)

// Payment kinds.
const (
	KindTopUp      = "top_up"
	KindWithdrawal = "withdrawal"
	KindRefund     = "refund"
	KindRedemption = "redemption"
	// KindDebitDeclined is a billing-history line of a debit the account declined: its
	// amount is the debit asked for (negative, as a debit's), it moved nothing, and its
	// balance_after is the balance it left unchanged. Never a payment's Kind: a declined
	// payment is a KindWithdrawal with status PaymentRejected.
	KindDebitDeclined = "debit_declined"
)

// Payment is one money movement of an account, for GET /billing/status/:id.
type Payment struct {
	ID         uuid.UUID
	UserID     uuid.UUID
	Kind       string // KindTopUp, KindWithdrawal, KindRefund, KindRedemption
	Purpose    string // what it was for: account.PurposeKind, or "" for a top-up
	Amount     money.Kopecks
	Status     string
	Reason     string
	PremiereID uuid.UUID
	RentalID   uuid.UUID
	CreatedAt  time.Time
}

// LedgerEntry is one line of the billing history: every money event of every account.
type LedgerEntry struct {
	Position     uint64 // the event's log position: the history's order
	EventID      uuid.UUID
	UserID       uuid.UUID
	Kind         string
	Purpose      string
	Amount       money.Kopecks // positive for credits, negative for debits (and declined debits, which moved nothing)
	BalanceAfter money.Kopecks
	PaymentID    uuid.UUID
	RentalID     uuid.UUID
	OccurredAt   time.Time
}

// LedgerQuery selects billing history. Zero values mean "no filter".
type LedgerQuery struct {
	UserID uuid.UUID
	From   time.Time // inclusive
	To     time.Time // exclusive
	After  uint64    // position to page after
	Limit  int
}
