package rentals_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain"
	"github.com/chance-video/chance/infra/clock"
	"github.com/chance-video/chance/queries/querytest"
	"github.com/chance-video/chance/readmodel/rentals"
)

var start = time.Date(2026, 12, 1, 18, 0, 0, 0, time.UTC)

// fixture is the rentals' queries over a real store whose rows the tests write, at a
// manual clock's now.
type fixture struct {
	t     *testing.T
	store *querytest.Store
	clock *clock.Manual
	q     rentals.Queries
}

func newFixture(t *testing.T) *fixture {
	store, now := querytest.Open(t), clock.NewManual(start)
	return &fixture{t: t, store: store, clock: now, q: rentals.Queries{Reads: store, Clock: now}}
}

func (f *fixture) rental(user, premiere uuid.UUID, startsAt time.Time, hours int, change func(*rentals.Rental)) rentals.Rental {
	f.t.Helper()
	r := rentals.Rental{ID: uuid.New(), UserID: user, PremiereID: premiere, Title: "Маузер", StartsAt: startsAt, Hours: hours,
		Paid: 1000, PaymentID: uuid.New(), TermVersion: 1, UpdatedAt: start}
	if change != nil {
		change(&r)
	}
	querytest.Write(f.store, rentals.Name, func(tx rentals.Writes) error { return tx.PutRental(context.Background(), r) })
	return r
}

func TestTermAndMyPremieres(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	user, other := uuid.New(), uuid.New()
	watched, next, cancelledOne := uuid.New(), uuid.New(), uuid.New()

	f.rental(user, watched, start.Add(-72*time.Hour), 24, nil) // ended two days ago
	active := f.rental(user, watched, start.Add(-time.Hour), 3, nil)
	upcoming := f.rental(user, next, start.Add(2*time.Hour), 48, nil)
	f.rental(user, cancelledOne, start.Add(-time.Hour), 10, func(r *rentals.Rental) { r.Cancelled = true })
	f.rental(other, next, start.Add(-time.Hour), 5, nil)

	term, err := f.q.Term(ctx, user, watched)
	if err != nil {
		t.Fatal(err)
	}
	if term.RentalID != active.ID || term.Status != rentals.StatusActive || term.RemainingSeconds != 2*3600 ||
		!term.ExpiresAt.Equal(start.Add(2*time.Hour)) || term.Title != "Маузер" {
		t.Fatalf("term = %+v", term)
	}
	term, err = f.q.Term(ctx, user, next)
	if err != nil || term.RentalID != upcoming.ID || term.Status != rentals.StatusUpcoming || term.RemainingSeconds != 48*3600 {
		t.Fatalf("upcoming term = %+v, %v; the whole term remains before it starts", term, err)
	}
	_, err = f.q.Term(ctx, user, cancelledOne)
	querytest.WantKind(t, err, domain.ErrNotFound)
	_, err = f.q.Term(ctx, other, watched)
	querytest.WantKind(t, err, domain.ErrNotFound)

	mine, err := f.q.MyPremieres(ctx, user, "")
	if err != nil || len(mine.Items) != 2 || mine.Items[0].RentalID != upcoming.ID || mine.Items[1].RentalID != active.ID {
		t.Fatalf("current = %+v, %v; want the upcoming then the active one", mine, err)
	}
	all, err := f.q.MyPremieres(ctx, user, rentals.ShowAll)
	if err != nil || len(all.Items) != 4 {
		t.Fatalf("all = %+v, %v; want 4", all, err)
	}
	statuses := map[string]int{}
	for _, it := range all.Items {
		statuses[it.Status]++
		if it.Status == rentals.StatusEnded && it.RemainingSeconds != 0 {
			t.Fatalf("an ended term has time left: %+v", it)
		}
	}
	if statuses[rentals.StatusEnded] != 1 || statuses[rentals.StatusCancelled] != 1 {
		t.Fatalf("statuses = %v", statuses)
	}

	f.clock.Advance(2 * time.Hour) // the active one ends
	mine, _ = f.q.MyPremieres(ctx, user, rentals.ShowCurrent)
	if len(mine.Items) != 1 || mine.Items[0].Status != rentals.StatusActive || mine.Items[0].RentalID != upcoming.ID {
		t.Fatalf("two hours later = %+v", mine)
	}
	_, err = f.q.MyPremieres(ctx, user, "past")
	querytest.WantKind(t, err, domain.ErrInvalid)
}
