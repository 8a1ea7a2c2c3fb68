package accounts

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain"
	"github.com/chance-video/chance/domain/money"
	"github.com/chance-video/chance/readmodel"
)

// QueriesRead names the read models these queries read: a read-your-writes wait
// before them covers these and nothing else.
var QueriesRead = []string{Name}

// Queries answers what customers ask of their balance and payments, on the Reads port.
type Queries struct{ Reads Reads }

// Balance is a customer's balance.
type Balance struct {
	Balance  money.Kopecks `json:"balance"`
	Currency string        `json:"currency"`
}

// Balance is the customer's balance (zero for an account never topped up).
func (q Queries) Balance(ctx context.Context, user uuid.UUID) (Balance, error) {
	b, err := q.Reads.Balance(ctx, user)
	if err != nil {
		return Balance{}, fmt.Errorf("balance of %s: %w", user, err)
	}
	return Balance{Balance: b, Currency: money.Currency}, nil
}

// PaymentStatus is what GET /billing/status/:id tells of a payment.
type PaymentStatus struct {
	PaymentID  uuid.UUID     `json:"payment_id"`
	Kind       string        `json:"kind"`
	Purpose    string        `json:"purpose,omitempty"`
	Amount     money.Kopecks `json:"amount"`
	Currency   string        `json:"currency"`
	Status     string        `json:"status"`
	Reason     string        `json:"reason"`
	PremiereID *uuid.UUID    `json:"premiere_id"`
	RentalID   *uuid.UUID    `json:"rental_id"`
	CreatedAt  time.Time     `json:"created_at"`
	// ConfirmationURL (while a top-up is pending) is where the customer pays it, until
	// ExpiresAt.
	ConfirmationURL string     `json:"confirmation_url,omitempty"`
	ExpiresAt       *time.Time `json:"expires_at,omitempty"`
}

// ErrPaymentNotFound: no payment with this id on the caller's account.
var ErrPaymentNotFound = domain.NotFound("payment not found")

// Payment is the status of one of the customer's payments. Another customer's
// payment is "not found", exactly like a missing one, so ids cannot be probed.
func (q Queries) Payment(ctx context.Context, user, id uuid.UUID) (PaymentStatus, error) {
	p, found, err := q.Reads.Payment(ctx, id)
	if err != nil {
		return PaymentStatus{}, fmt.Errorf("payment %s: %w", id, err)
	}
	if !found || p.UserID != user {
		return PaymentStatus{}, ErrPaymentNotFound
	}
	status := PaymentStatus{
		PaymentID: p.ID, Kind: p.Kind, Purpose: p.Purpose, Amount: p.Amount, Currency: money.Currency,
		Status: p.Status, Reason: p.Reason, PremiereID: readmodel.OptionalID(p.PremiereID),
		RentalID: readmodel.OptionalID(p.RentalID), CreatedAt: p.CreatedAt.UTC(),
	}
	if p.Status == readmodel.PaymentPending && p.ConfirmationURL != "" {
		expires := p.ExpiresAt.UTC()
		status.ConfirmationURL, status.ExpiresAt = p.ConfirmationURL, &expires
	}
	return status, nil
}
