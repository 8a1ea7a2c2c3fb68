package projections

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain/rental"
	"github.com/chance-video/chance/readmodel"
)

// Rentals projects rentals for "my premieres", the term query and the scheduler.
type Rentals struct{}

var rentalEvents = handlesOf(rental.Events()...)

func (Rentals) Name() string                  { return "rentals_v1" }
func (Rentals) Handles(eventType string) bool { return rentalEvents.Handles(eventType) }

// Apply takes the store's transaction as the shared Tx (this read model has no port of its own yet).
func (p Rentals) Apply(ctx context.Context, w Writes, e Event) error {
	tx, err := As[Tx](p.Name(), w)
	if err != nil {
		return err
	}
	return p.apply(ctx, tx, e)
}

func (Rentals) apply(ctx context.Context, tx Tx, e Event) error {
	switch ev := e.Event.(type) {
	case rental.Rented:
		return tx.PutRental(ctx, readmodel.Rental{ID: ev.RentalID, UserID: ev.UserID, PremiereID: ev.PremiereID, Title: ev.Title,
			StartsAt: ev.StartsAt, Hours: ev.Hours, Paid: ev.Price, PaymentID: ev.Payment, TermVersion: 1, UpdatedAt: ev.At})
	case rental.TermChanged:
		return updateRental(ctx, tx, ev.RentalID, ev.At, func(r *readmodel.Rental) {
			r.Hours, r.TermVersion, r.Paid = ev.Hours, ev.TermVersion, r.Paid+ev.Delta
		})
	case rental.Cancelled:
		return updateRental(ctx, tx, ev.RentalID, ev.At, func(r *readmodel.Rental) { r.Cancelled, r.Paid = true, r.Paid-ev.Refund })
	case rental.ReminderDue:
		return updateRental(ctx, tx, ev.RentalID, ev.At, func(r *readmodel.Rental) { r.RemindedVersion = ev.TermVersion })
	case rental.Expired:
		return updateRental(ctx, tx, ev.RentalID, ev.At, func(r *readmodel.Rental) { r.Expired = true })
	}
	return nil
}

func updateRental(ctx context.Context, tx Tx, id uuid.UUID, at time.Time, change func(*readmodel.Rental)) error {
	r, found, err := tx.Rental(ctx, id)
	if err != nil || !found {
		return err
	}
	change(&r)
	r.UpdatedAt = at
	return tx.PutRental(ctx, r)
}
