package ledger

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

// Queries answers what customers and auditors ask of the billing history, on its Reads
// port.
type Queries struct{ Reads Reads }

// Line is one line of billing history. Amount is signed: credits (top-ups, refunds)
// positive, debits negative. A declined debit (kind debit_declined) shows the amount
// it asked for, negative, but moved nothing: its balance_after is the balance before
// it, and a sum of amounts must leave it out.
type Line struct {
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

// lineOf shows an entry.
func lineOf(e Entry) Line {
	return Line{
		Position: e.Position, EventID: e.EventID, UserID: e.UserID, Kind: e.Kind, Purpose: e.Purpose,
		Amount: e.Amount, BalanceAfter: e.BalanceAfter, PaymentID: e.PaymentID, RentalID: readmodel.OptionalID(e.RentalID),
		OccurredAt: e.OccurredAt.UTC(),
	}
}

// History is a page of billing history, oldest first. NextAfter, when set, is the
// `after` that fetches the next page.
type History struct {
	Items     []Line  `json:"items"`
	Currency  string  `json:"currency"`
	NextAfter *uint64 `json:"next_after"`
}

// Paging of billing history.
const (
	DefaultHistoryLimit = 100
	MaxHistoryLimit     = 1000
)

// Filter selects billing history as readers ask for it: who, when (From inclusive, To
// exclusive), and the page (lines after position After, at most Limit; 0 = the
// default).
type Filter struct {
	UserID uuid.UUID
	From   time.Time
	To     time.Time
	After  uint64
	Limit  int
}

func (f Filter) check() (Filter, error) {
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
func (q Queries) History(ctx context.Context, user uuid.UUID, f Filter) (History, error) {
	f.UserID = user // never another customer's, whatever the filter said
	return q.page(ctx, f)
}

// Audit is every account's billing history, for auditors; f.UserID narrows it to one.
func (q Queries) Audit(ctx context.Context, f Filter) (History, error) {
	return q.page(ctx, f)
}

func (q Queries) page(ctx context.Context, f Filter) (History, error) {
	f, err := f.check()
	if err != nil {
		return History{}, err
	}
	// One line more than asked tells whether there is a next page.
	entries, err := q.Reads.Ledger(ctx, Query{UserID: f.UserID, From: f.From, To: f.To, After: f.After, Limit: f.Limit + 1})
	if err != nil {
		return History{}, fmt.Errorf("billing history: %w", err)
	}
	h := History{Items: make([]Line, 0, min(len(entries), f.Limit)), Currency: money.Currency}
	for i, e := range entries {
		if i == f.Limit {
			next := entries[i-1].Position
			h.NextAfter = &next
			break
		}
		h.Items = append(h.Items, lineOf(e))
	}
	return h, nil
}

// EachAuditLine calls fn with every line f selects (ignoring f.Limit), page by page,
// so an export of any size holds one page in memory.
func (q Queries) EachAuditLine(ctx context.Context, f Filter, fn func(Line) error) error {
	f.Limit = MaxHistoryLimit
	for {
		page, err := q.page(ctx, f)
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
