package readstoretest

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/readmodel/rentals"
)

func canonRental(r rentals.Rental) rentals.Rental {
	r.StartsAt, r.UpdatedAt = utc(r.StartsAt), utc(r.UpdatedAt)
	return r
}

func canonRentals(rs []rentals.Rental) []rentals.Rental {
	rs = slices.Clone(nilIfEmpty(rs))
	for i := range rs {
		rs[i] = canonRental(rs[i])
	}
	return rs
}

func putRentals(t *testing.T, s Store, reached uint64, rs ...rentals.Rental) {
	t.Helper()
	write(t, s, rentals.Name, reached, func(ctx context.Context, tx rentals.Writes) error {
		for _, r := range rs {
			if err := tx.PutRental(ctx, r); err != nil {
				return err
			}
		}
		return nil
	})
}

func rental(user uuid.UUID, starts time.Time, hours int) rentals.Rental {
	return rentals.Rental{ID: uuid.New(), UserID: user, PremiereID: uuid.New(), Title: "Маузер", StartsAt: starts,
		Hours: hours, Paid: 49_900, PaymentID: uuid.New(), TermVersion: 1, UpdatedAt: starts.Add(-time.Minute)}
}

func testRentals(t *testing.T, open func(t *testing.T) Store) {
	s := open(t)
	ctx := t.Context()
	user := uuid.New()
	older, newer, latest := rental(user, at, 48), rental(user, at.Add(time.Hour), 3), rental(user, at.Add(48*time.Hour), 720)
	latest.Cancelled, latest.Expired, latest.RemindedVersion, latest.TermVersion = true, true, 2, 3
	someoneElse := rental(uuid.New(), at.Add(100*time.Hour), 1)
	putRentals(t, s, 1, newer, older, latest, someoneElse)

	got, err := s.Rentals(ctx, user)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range got {
		checkUTC(t, "rental", r.StartsAt, r.UpdatedAt)
	}
	same(t, "rentals, latest start first", got, []rentals.Rental{latest, newer, older}, canonRentals)
	if got, err := s.Rentals(ctx, uuid.New()); err != nil || len(got) != 0 {
		t.Errorf("rentals of a stranger: %d, %v", len(got), err)
	}
	one, found, err := s.Rental(ctx, latest.ID)
	if err != nil || !found {
		t.Fatalf("rental: found %v, %v", found, err)
	}
	same(t, "rental", one, latest, canonRental)
	if _, found, err := s.Rental(ctx, uuid.New()); err != nil || found {
		t.Errorf("unknown rental: found %v, %v", found, err)
	}

	// A changed term replaces the row (the projector reads, changes, puts).
	write(t, s, rentals.Name, 2, func(ctx context.Context, tx rentals.Writes) error {
		r, found, err := tx.Rental(ctx, older.ID)
		if err != nil || !found {
			t.Errorf("tx rental: found %v, %v", found, err)
			return err
		}
		same(t, "tx rental", r, older, canonRental)
		r.Hours, r.TermVersion, r.Paid = 72, 2, 74_850
		return tx.PutRental(ctx, r)
	})
	one, _, _ = s.Rental(ctx, older.ID)
	if one.Hours != 72 || one.TermVersion != 2 || one.Paid != 74_850 {
		t.Errorf("rental after upsert: %+v", one)
	}
}

func testDueRentals(t *testing.T, open func(t *testing.T) Store) {
	s := open(t)
	ctx := t.Context()
	now := at
	user := uuid.New()
	// A 48-hour term's reminder is due 12 hours before its end.
	reminderDue := rental(user, now.Add(-40*time.Hour), 48) // reminder 4 h ago, ends in 8 h
	reminderNow := rental(user, now.Add(-36*time.Hour), 48) // reminder exactly now
	endDue := rental(user, now.Add(-50*time.Hour), 48)      // ended 2 h ago, reminded already
	endDue.RemindedVersion = 1
	newTerm := rental(user, now.Add(-40*time.Hour), 48) // reminded for term 1, now on term 2
	newTerm.TermVersion, newTerm.RemindedVersion = 2, 1
	reminded := rental(user, now.Add(-40*time.Hour), 48) // reminded for this term, not ended
	reminded.RemindedVersion = 1
	cancelled := rental(user, now.Add(-50*time.Hour), 48)
	cancelled.Cancelled = true
	expired := rental(user, now.Add(-50*time.Hour), 48)
	expired.Expired, expired.RemindedVersion = true, 1
	notYet := rental(user, now.Add(-time.Hour), 48) // reminder in 35 h
	upcoming := rental(user, now.Add(24*time.Hour), 3)
	putRentals(t, s, 1, reminderDue, reminderNow, endDue, newTerm, reminded, cancelled, expired, notYet, upcoming)

	due, err := s.DueRentals(ctx, now, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := []uuid.UUID{reminderDue.ID, reminderNow.ID, endDue.ID, newTerm.ID}
	if got := rentalIDs(due); !sameIDs(got, want) {
		t.Errorf("due rentals.Name: got %v, want %v", idList(got), idList(want))
	}
	for _, r := range due {
		if r.ID == newTerm.ID {
			same(t, "due rental", r, newTerm, canonRental)
		}
	}
	limited, err := s.DueRentals(ctx, now, 2)
	if err != nil || len(limited) != 2 {
		t.Errorf("due rentals.Name, limit 2: %d, %v", len(limited), err)
	}
	earlier, err := s.DueRentals(ctx, now.Add(-10*time.Hour), 0)
	if err != nil || len(earlier) != 0 {
		t.Errorf("due rentals.Name 10 hours ago: %v, %v; want none", rentalIDs(earlier), err)
	}

	// Once reminded, a rental is due again only when it ends.
	reminderDue.RemindedVersion = 1
	putRentals(t, s, 2, reminderDue)
	due, _ = s.DueRentals(ctx, now, 0)
	if slices.Contains(rentalIDs(due), reminderDue.ID) {
		t.Error("a reminded rental is still due before its end")
	}
	due, _ = s.DueRentals(ctx, reminderDue.EndsAt(), 0)
	if !slices.Contains(rentalIDs(due), reminderDue.ID) {
		t.Error("a reminded rental is not due at its end")
	}
}

func rentalIDs(rs []rentals.Rental) []uuid.UUID {
	ids := make([]uuid.UUID, len(rs))
	for i, r := range rs {
		ids[i] = r.ID
	}
	return ids
}
