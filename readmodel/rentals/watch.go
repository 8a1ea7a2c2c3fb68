package rentals

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain"
)

// Reasons a rental cannot be watched at a moment.
const (
	NotStarted = "not_started"
	TermOver   = "term_over"
	Cancelled  = "cancelled"
)

// NotInTerm refuses watching outside the rental's term; the HTTP API answers it 403.
type NotInTerm struct {
	Reason   string // NotStarted, TermOver or Cancelled
	StartsAt time.Time
	EndsAt   time.Time
}

func (e *NotInTerm) Error() string {
	switch e.Reason {
	case NotStarted:
		return fmt.Sprintf("the term has not started yet: it starts at %s", e.StartsAt.UTC().Format(time.RFC3339))
	case Cancelled:
		return "the rental was cancelled"
	default:
		return fmt.Sprintf("the term is over: it ended at %s", e.EndsAt.UTC().Format(time.RFC3339))
	}
}

// Unwrap makes a watch outside the term a refusal (the rental's state does not
// allow it), not a failure, wherever errors are classed.
func (e *NotInTerm) Unwrap() error { return domain.ErrConflict }

// Watchable is nil if r may be watched at now (its term is active), else a *NotInTerm.
func Watchable(r Rental, now time.Time) error {
	refuse := func(reason string) error { return &NotInTerm{Reason: reason, StartsAt: r.StartsAt, EndsAt: r.EndsAt()} }
	switch r.Status(now) {
	case StatusActive:
		return nil
	case StatusUpcoming:
		return refuse(NotStarted)
	case StatusCancelled:
		return refuse(Cancelled)
	default:
		return refuse(TermOver)
	}
}

// errNoSuchRental is the answer for a rental that is not the customer's, as for one
// that does not exist: whose rentals exist is nobody else's business.
var errNoSuchRental = domain.NotFound("you have no rental with this id")

// Watch is the customer's rental, if it may be watched now.
func (q Queries) Watch(ctx context.Context, user, rentalID uuid.UUID) (Rental, error) {
	r, found, err := q.Reads.Rental(ctx, rentalID)
	if err != nil {
		return Rental{}, fmt.Errorf("rental %s: %w", rentalID, err)
	}
	if !found || r.UserID != user {
		return Rental{}, errNoSuchRental
	}
	if err := Watchable(r, q.Clock.Now()); err != nil {
		return r, err
	}
	return r, nil
}
