package queries

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain"
	"github.com/chance-video/chance/domain/money"
	"github.com/chance-video/chance/readmodel/ledger"
)

// Balance is a customer's balance.
type Balance struct {
	Balance  money.Kopecks `json:"balance"`
	Currency string        `json:"currency"`
}

// Balance is the customer's balance (zero for an account never topped up).
func (q *Service) Balance(ctx context.Context, user uuid.UUID) (Balance, error) {
	b, err := q.store.Balance(ctx, user)
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
}

// ErrPaymentNotFound: no payment with this id on the caller's account.
var ErrPaymentNotFound = domain.NotFound("payment not found")

// Payment is the status of one of the customer's payments. Another customer's
// payment is "not found", exactly like a missing one, so ids cannot be probed.
func (q *Service) Payment(ctx context.Context, user, id uuid.UUID) (PaymentStatus, error) {
	p, found, err := q.store.Payment(ctx, id)
	if err != nil {
		return PaymentStatus{}, fmt.Errorf("payment %s: %w", id, err)
	}
	if !found || p.UserID != user {
		return PaymentStatus{}, ErrPaymentNotFound
	}
	return PaymentStatus{
		PaymentID: p.ID, Kind: p.Kind, Purpose: p.Purpose, Amount: p.Amount, Currency: money.Currency,
		Status: p.Status, Reason: p.Reason, PremiereID: optionalID(p.PremiereID), RentalID: optionalID(p.RentalID),
		CreatedAt: utc(p.CreatedAt),
	}, nil
}

// LedgerLine is one line of billing history. Amount is signed: credits (top-ups,
// refunds) positive, debits negative. A declined debit (kind debit_declined) shows the
// amount it asked for, negative, but moved nothing: its balance_after is the balance
// before it, and a sum of amounts must leave it out.
type LedgerLine struct {
	Position     uint64        `json:"position"`
	EventID      uuid.UUID     `json:"event_id"`
	UserID       uuid.UUID     `json:"user_id"`
	Kind         string        `json:"kind"`
	Purpose      string        `json:"purpose,omitempty"`
	Amount       money.Kopecks `json:"amount"`
	BalanceAfter money.Kopecks `json:"balance_after"`
	PaymentID    uuid.UUID     `json:"payment_id"`
	RentalID     *uuid.UUID    `json:"rental_id"`
	OccurredAt   time.Time     `json:"occurred_at"`
}

// LineOf shows a ledger entry.
func LineOf(e ledger.Entry) LedgerLine {
	return LedgerLine{
		Position: e.Position, EventID: e.EventID, UserID: e.UserID, Kind: e.Kind, Purpose: e.Purpose,
		Amount: e.Amount, BalanceAfter: e.BalanceAfter, PaymentID: e.PaymentID, RentalID: optionalID(e.RentalID),
		OccurredAt: utc(e.OccurredAt),
	}
}

// History is a page of billing history, oldest first. NextAfter, when set, is the
// `after` that fetches the next page.
type History struct {
	Items     []LedgerLine `json:"items"`
	Currency  string       `json:"currency"`
	NextAfter *uint64      `json:"next_after"`
}

// Paging of billing history.
const (
	DefaultHistoryLimit = 100
	MaxHistoryLimit     = 1000
)

// LedgerFilter selects billing history: who, when (From inclusive, To exclusive),
// and the page (lines after position After, at most Limit; 0 = the default).
type LedgerFilter struct {
	UserID uuid.UUID
	From   time.Time
	To     time.Time
	After  uint64
	Limit  int
}

func (f LedgerFilter) check() (LedgerFilter, error) {
	switch {
	case f.Limit < 0 || f.Limit > MaxHistoryLimit:
		return f, domain.Invalid(fmt.Sprintf("limit must be from 1 to %d, got %d", MaxHistoryLimit, f.Limit))
	case !f.From.IsZero() && !f.To.IsZero() && !f.From.Before(f.To):
		return f, domain.Invalid("from must be before to")
	}
	if f.Limit == 0 {
		f.Limit = DefaultHistoryLimit
	}
	return f, nil
}

// History is the customer's own billing history.
func (q *Service) History(ctx context.Context, user uuid.UUID, f LedgerFilter) (History, error) {
	f.UserID = user // never another customer's, whatever the filter said
	return q.ledgerPage(ctx, f)
}

// Audit is every account's billing history, for auditors; f.UserID narrows it to one.
func (q *Service) Audit(ctx context.Context, f LedgerFilter) (History, error) {
	return q.ledgerPage(ctx, f)
}

func (q *Service) ledgerPage(ctx context.Context, f LedgerFilter) (History, error) {
	f, err := f.check()
	if err != nil {
		return History{}, err
	}
	// One line more than asked tells whether there is a next page.
	entries, err := q.store.Ledger(ctx, ledger.Query{UserID: f.UserID, From: f.From, To: f.To, After: f.After, Limit: f.Limit + 1})
	if err != nil {
		return History{}, fmt.Errorf("billing history: %w", err)
	}
	h := History{Items: make([]LedgerLine, 0, min(len(entries), f.Limit)), Currency: money.Currency}
	for i, e := range entries {
		if i == f.Limit {
			next := entries[i-1].Position
			h.NextAfter = &next
			break
		}
		h.Items = append(h.Items, LineOf(e))
	}
	return h, nil
}

// EachAuditLine calls fn with every line f selects (ignoring f.Limit), page by page,
// so an export of any size holds one page in memory.
func (q *Service) EachAuditLine(ctx context.Context, f LedgerFilter, fn func(LedgerLine) error) error {
	f.Limit = MaxHistoryLimit
	for {
		page, err := q.ledgerPage(ctx, f)
		if err != nil {
			return err
		}
		for _, l := range page.Items {
			if err := fn(l); err != nil {
				return err
			}
		}
		if page.NextAfter == nil {
			return nil
		}
		f.After = *page.NextAfter
	}
}
