package rentals

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain/rental"
	"github.com/chance-video/chance/projections"
)

// Projector keeps the rentals read model.
var Projector = projections.NewModel(Name, Project, rental.Events()...)

// Project applies one rental event to its row. An event about a rental the model does
// not have changes nothing.
func Project(ctx context.Context, w Writes, e projections.Event) error {
	switch ev := e.Event.(type) {
	case rental.Rented:
		return w.PutRental(ctx, Rental{ID: ev.RentalID, UserID: ev.UserID, PremiereID: ev.PremiereID, Title: ev.Title,
			StartsAt: ev.StartsAt, Hours: ev.Hours, Paid: ev.Price, PaymentID: ev.Payment, TermVersion: 1, UpdatedAt: ev.At})
	case rental.TermChanged:
		return update(ctx, w, ev.RentalID, ev.At, func(r *Rental) {
			r.Hours, r.TermVersion, r.Paid = ev.Hours, ev.TermVersion, r.Paid+ev.Delta
		})
	case rental.Cancelled:
		return update(ctx, w, ev.RentalID, ev.At, func(r *Rental) { r.Cancelled, r.Paid = true, r.Paid-ev.Refund })
	case rental.ReminderDue:
		return update(ctx, w, ev.RentalID, ev.At, func(r *Rental) { r.RemindedVersion = ev.TermVersion })
	case rental.Expired:
		return update(ctx, w, ev.RentalID, ev.At, func(r *Rental) { r.Expired = true })
	}
	return nil
}

func update(ctx context.Context, w Writes, id uuid.UUID, at time.Time, change func(*Rental)) error {
	r, found, err := w.Rental(ctx, id)
	if err != nil || !found {
		return err
	}
	change(&r)
	r.UpdatedAt = at
	return w.PutRental(ctx, r)
}
