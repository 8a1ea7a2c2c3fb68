package accounts

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain/money"
)

// Writes is what the projector does to balances and payments, inside the runner's
// transaction: the only methods an accounts transaction has.
type Writes interface {
	PutBalance(ctx context.Context, user uuid.UUID, balance money.Kopecks) error
	// Payment reads a payment as this transaction left it.
	Payment(ctx context.Context, id uuid.UUID) (Payment, bool, error)
	PutPayment(ctx context.Context, p Payment) error
}

// Reads is what queries (and the audit) ask of balances and payments.
type Reads interface {
	// Balance is a customer's balance; 0 for a customer with no account yet.
	Balance(ctx context.Context, user uuid.UUID) (money.Kopecks, error)
	Payment(ctx context.Context, id uuid.UUID) (Payment, bool, error)
	// PendingTopUpsDue returns up to limit pending top-ups (all if limit ≤ 0) whose
	// expiry is at or before now, the earliest first: what the scheduler expires.
	PendingTopUpsDue(ctx context.Context, now time.Time, limit int) ([]Payment, error)
}
