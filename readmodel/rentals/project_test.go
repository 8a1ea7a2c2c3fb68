package rentals_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain"
	"github.com/chance-video/chance/domain/rental"
	"github.com/chance-video/chance/infra/readstore/projectortest"
	"github.com/chance-video/chance/readmodel/rentals"
)

type found struct {
	Rental rentals.Rental
	Found  bool
}

func TestProject(t *testing.T) {
	at := time.Date(2026, 3, 14, 15, 0, 0, 0, time.UTC)
	starts := at.Add(24 * time.Hour)
	premiere, payment, change := uuid.New(), uuid.New(), uuid.New()
	id := func(name string) uuid.UUID { return uuid.NewSHA1(uuid.NameSpaceOID, []byte(name)) }
	user := uuid.New()
	rentalOf := func(r uuid.UUID) func(ctx context.Context, s rentals.Reads) (any, error) {
		return func(ctx context.Context, s rentals.Reads) (any, error) {
			got, ok, err := s.Rental(ctx, r)
			return found{got, ok}, err
		}
	}
	rented := func(name string) rental.Rented {
		return rental.Rented{RentalID: id(name), UserID: user, PremiereID: premiere, Title: "Маузер", StartsAt: starts,
			EndsAt: starts.Add(48 * time.Hour), Hours: 48, Price: 30_000, Payment: payment, At: at}
	}
	row := func(name string) rentals.Rental {
		return rentals.Rental{ID: id(name), UserID: user, PremiereID: premiere, Title: "Маузер", StartsAt: starts, Hours: 48,
			Paid: 30_000, PaymentID: payment, TermVersion: 1, UpdatedAt: at}
	}
	with := func(r rentals.Rental, change func(*rentals.Rental)) rentals.Rental { change(&r); return r }
	later := at.Add(time.Hour)
	specs := []projectortest.Spec[rentals.Reads]{
		{
			Name: "an unknown rental is not found",
			Read: rentalOf(uuid.New()),
			Then: found{},
		},
		{
			Name:  "a rental is its first term, paid",
			Given: []domain.Event{rented("rented")},
			Read:  rentalOf(id("rented")),
			Then:  found{row("rented"), true},
		},
		{
			Name: "a term change sets the term, its version and what was paid",
			Given: []domain.Event{rented("changed"), rental.TermChanged{RentalID: id("changed"), UserID: user, PremiereID: premiere,
				FromHours: 48, Hours: 72, TermVersion: 2, Delta: 15_000, Payment: change, At: later}},
			Read: rentalOf(id("changed")),
			Then: found{with(row("changed"), func(r *rentals.Rental) { r.Hours, r.TermVersion, r.Paid, r.UpdatedAt = 72, 2, 45_000, later }), true},
		},
		{
			Name: "a cancellation keeps what was not refunded",
			Given: []domain.Event{rented("cancelled"), rental.Cancelled{RentalID: id("cancelled"), UserID: user, PremiereID: premiere,
				Refund: 30_000, Payment: change, At: later}},
			Read: rentalOf(id("cancelled")),
			Then: found{with(row("cancelled"), func(r *rentals.Rental) { r.Cancelled, r.Paid, r.UpdatedAt = true, 0, later }), true},
		},
		{
			Name: "a reminder marks its term version reminded",
			Given: []domain.Event{rented("reminded"), rental.ReminderDue{RentalID: id("reminded"), UserID: user, PremiereID: premiere,
				Title: "Маузер", TermVersion: 1, EndsAt: starts.Add(48 * time.Hour), At: later}},
			Read: rentalOf(id("reminded")),
			Then: found{with(row("reminded"), func(r *rentals.Rental) { r.RemindedVersion, r.UpdatedAt = 1, later }), true},
		},
		{
			Name: "an expiry ends the rental",
			Given: []domain.Event{rented("expired"), rental.Expired{RentalID: id("expired"), UserID: user, PremiereID: premiere,
				EndsAt: starts.Add(48 * time.Hour), At: later}},
			Read: rentalOf(id("expired")),
			Then: found{with(row("expired"), func(r *rentals.Rental) { r.Expired, r.UpdatedAt = true, later }), true},
		},
		{
			Name:  "an event about an unknown rental makes no row",
			Given: []domain.Event{rental.Expired{RentalID: id("ghost"), UserID: user, PremiereID: premiere, At: later}},
			Read:  rentalOf(id("ghost")),
			Then:  found{},
		},
		{
			Name:  "the reminder and the end fall due in time",
			Given: []domain.Event{rented("due")},
			Read: func(ctx context.Context, s rentals.Reads) (any, error) {
				var counts []int // how often the rental is listed due at each time
				for _, now := range []time.Time{at, starts.Add(48 * time.Hour)} {
					due, err := s.DueRentals(ctx, now, 0)
					if err != nil {
						return nil, err
					}
					n := 0
					for _, r := range due {
						if r.ID == id("due") {
							n++
						}
					}
					counts = append(counts, n)
				}
				return counts, nil
			},
			Then: []int{0, 1}, // not due the day before; due (once) at its end
		},
	}
	projectortest.Run(t, rentals.Projector, specs)
}
