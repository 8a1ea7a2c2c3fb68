package rental

import (
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain"
	"github.com/chance-video/chance/domain/decidertest"
	"github.com/chance-video/chance/domain/money"
	"github.com/chance-video/chance/domain/pricing"
)

var (
	now      = time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	rentalID = uuid.MustParse("00000000-0000-0000-0000-00000000000a")
	userID   = uuid.MustParse("00000000-0000-0000-0000-00000000000b")
	premID   = uuid.MustParse("00000000-0000-0000-0000-00000000000c")
	pay1     = uuid.MustParse("00000000-0000-0000-0000-000000000001")
	pay2     = uuid.MustParse("00000000-0000-0000-0000-000000000002")
	terms    = pricing.Terms{OnlinePrice: 48000, StandardHours: 48, DiscountPercent: 0} // 1000 kopecks an hour
)

func rentCmd(start time.Time, hours int) Rent {
	return Rent{RentalID: rentalID, UserID: userID, PremiereID: premID, Title: "Маузер", Terms: terms,
		StartsAt: start, Hours: hours, Payment: pay1, Now: now}
}

func rented(start time.Time, hours int) Rented {
	return Rented{RentalID: rentalID, UserID: userID, PremiereID: premID, Title: "Маузер", Terms: terms,
		StartsAt: start, EndsAt: start.Add(time.Duration(hours) * time.Hour), Hours: hours,
		Price: terms.Quote(hours), Payment: pay1, At: now}
}

func changed(start time.Time, from, to, version int, at time.Time) TermChanged {
	return TermChanged{RentalID: rentalID, UserID: userID, PremiereID: premID, FromHours: from, Hours: to,
		EndsAt: start.Add(time.Duration(to) * time.Hour), TermVersion: version,
		Delta: terms.Quote(to) - terms.Quote(from), Payment: pay2, At: at}
}

func TestRent(t *testing.T) {
	withDiscount := rentCmd(now, 24)
	withDiscount.Terms.DiscountPercent = 25
	past := rentCmd(now.Add(-6*time.Minute), 24)
	decidertest.Run(t, Decider, []decidertest.Spec[Command]{
		{Name: "rents at the locked price", When: rentCmd(now, 24), Then: []domain.Event{rented(now, 24)}},
		{Name: "price follows the discount", When: withDiscount, Then: []domain.Event{func() Rented {
			r := rented(now, 24)
			r.Terms.DiscountPercent, r.Price = 25, 18000
			return r
		}()}},
		{Name: "a start a few minutes ago is accepted", When: rentCmd(now.Add(-4*time.Minute), 1),
			Then: []domain.Event{rented(now.Add(-4*time.Minute), 1)}},
		{Name: "a start in the past is rejected", When: past, WantErr: domain.ErrInvalid},
		{Name: "more than 30 days ahead is rejected", When: rentCmd(now.Add(31*24*time.Hour), 24), WantErr: domain.ErrInvalid},
		{Name: "zero hours rejected", When: rentCmd(now, 0), WantErr: domain.ErrInvalid},
		{Name: "721 hours rejected", When: rentCmd(now, 721), WantErr: domain.ErrInvalid},
		{Name: "renting twice is a conflict", Given: []domain.Event{rented(now, 24)}, When: rentCmd(now, 24), WantErr: ErrAlreadyRented},
		{Name: "bad terms rejected", When: func() Rent { c := rentCmd(now, 1); c.Terms.StandardHours = 0; return c }(), WantErr: domain.ErrInvalid},
		{Name: "a term priced at zero is rejected", When: func() Rent {
			c := rentCmd(now, 1)
			c.Terms = pricing.Terms{OnlinePrice: 1, StandardHours: 720}
			return c
		}(), WantErr: ErrTooCheapToCharge},
	})
}

// cheap is a rental under terms of 100 kopecks for 720 hours: 4 h cost 1 kopeck, and
// so do 5 h (rounded half up), 12 h cost 2.
func cheap(start time.Time, hours int) Rented {
	r := rented(start, hours)
	r.Terms = pricing.Terms{OnlinePrice: 100, StandardHours: 720}
	r.Price = r.Terms.Quote(hours)
	return r
}

func TestChangeTerm(t *testing.T) {
	start := now.Add(-2 * time.Hour) // active for two hours
	given := []domain.Event{rented(start, 24)}
	decidertest.Run(t, Decider, []decidertest.Spec[Command]{
		{Name: "extending charges the difference", Given: given,
			When: ChangeTerm{Hours: 48, Payment: pay2, Now: now},
			Then: []domain.Event{changed(start, 24, 48, 2, now)}},
		{Name: "shortening refunds the difference", Given: given,
			When: ChangeTerm{Hours: 10, Payment: pay2, Now: now},
			Then: []domain.Event{changed(start, 24, 10, 2, now)}},
		{Name: "the same term is a no-op", Given: given, When: ChangeTerm{Hours: 24, Payment: pay2, Now: now}},
		{Name: "cannot end before now", Given: given, When: ChangeTerm{Hours: 2, Payment: pay2, Now: now}, WantErr: domain.ErrInvalid},
		{Name: "may end later this hour", Given: given, When: ChangeTerm{Hours: 3, Payment: pay2, Now: now},
			Then: []domain.Event{changed(start, 24, 3, 2, now)}},
		{Name: "period out of range", Given: given, When: ChangeTerm{Hours: 721, Payment: pay2, Now: now}, WantErr: domain.ErrInvalid},
		{Name: "priced on a stale version", Given: given, When: ChangeTerm{Hours: 48, TermVersion: 2, Now: now}, WantErr: ErrTermChanged},
		{Name: "priced on the current version", Given: given, When: ChangeTerm{Hours: 48, TermVersion: 1, Payment: pay2, Now: now},
			Then: []domain.Event{changed(start, 24, 48, 2, now)}},
		{Name: "unknown rental", When: ChangeTerm{Hours: 48, Now: now}, WantErr: ErrNotRented},
		{Name: "an extension whose difference rounds to zero kopecks is refused",
			Given: []domain.Event{cheap(start, 4)}, When: ChangeTerm{Hours: 5, Payment: pay2, Now: now}, WantErr: ErrExtensionFree},
		{Name: "a longer extension of a cheap rental is charged",
			Given: []domain.Event{cheap(start, 4)}, When: ChangeTerm{Hours: 12, Payment: pay2, Now: now},
			Then: []domain.Event{TermChanged{RentalID: rentalID, UserID: userID, PremiereID: premID, FromHours: 4, Hours: 12,
				EndsAt: start.Add(12 * time.Hour), TermVersion: 2, Delta: 1, Payment: pay2, At: now}}},
		{Name: "after the end", Given: given, When: ChangeTerm{Hours: 48, Now: start.Add(24 * time.Hour)}, WantErr: ErrEnded},
		{Name: "a shortening that refunds nothing names no payment", Given: []domain.Event{func() Rented {
			r := rented(start, 121)
			r.Terms = pricing.Terms{OnlinePrice: 3, StandardHours: 720} // 120 and 121 hours both cost 1 kopeck
			r.Price = r.Terms.Quote(121)
			return r
		}()},
			When: ChangeTerm{Hours: 120, Payment: pay2, Now: now},
			Then: []domain.Event{TermChanged{RentalID: rentalID, UserID: userID, PremiereID: premID, FromHours: 121, Hours: 120,
				EndsAt: start.Add(120 * time.Hour), TermVersion: 2, At: now}}},
		{Name: "after cancel", Given: append(given, Cancelled{RentalID: rentalID}), When: ChangeTerm{Hours: 48, Now: now}, WantErr: ErrCancelled},
		{Name: "locked terms survive later changes: the delta uses them",
			Given: []domain.Event{rented(start, 24), changed(start, 24, 48, 2, now)},
			When:  ChangeTerm{Hours: 24, Payment: pay2, Now: now},
			Then: []domain.Event{TermChanged{RentalID: rentalID, UserID: userID, PremiereID: premID, FromHours: 48, Hours: 24,
				EndsAt: start.Add(24 * time.Hour), TermVersion: 3, Delta: -24000, Payment: pay2, At: now}}},
	})
}

func TestCancel(t *testing.T) {
	cancelled := func(refund int64, at time.Time) Cancelled {
		return Cancelled{RentalID: rentalID, UserID: userID, PremiereID: premID, Refund: money.Kopecks(refund), Payment: pay2, At: at}
	}
	start := now.Add(time.Hour)
	given := []domain.Event{rented(start, 24)}
	decidertest.Run(t, Decider, []decidertest.Spec[Command]{
		{Name: "before the start everything is refunded", Given: given,
			When: Cancel{Payment: pay2, Now: now}, Then: []domain.Event{cancelled(24000, now)}},
		{Name: "at the start everything is refunded", Given: given,
			When: Cancel{Payment: pay2, Now: start}, Then: []domain.Event{cancelled(24000, start)}},
		{Name: "a started hour counts as used", Given: given,
			When: Cancel{Payment: pay2, Now: start.Add(time.Minute)}, Then: []domain.Event{cancelled(23000, start.Add(time.Minute))}},
		{Name: "ten and a half hours used keep eleven", Given: given,
			When: Cancel{Payment: pay2, Now: start.Add(10*time.Hour + 30*time.Minute)},
			Then: []domain.Event{cancelled(13000, start.Add(10*time.Hour+30*time.Minute))}},
		{Name: "the last hour refunds nothing but still cancels, naming no payment", Given: given,
			When: Cancel{Payment: pay2, Now: start.Add(23*time.Hour + time.Minute)},
			Then: []domain.Event{Cancelled{RentalID: rentalID, UserID: userID, PremiereID: premID, At: start.Add(23*time.Hour + time.Minute)}}},
		{Name: "after the term it is not possible", Given: given, When: Cancel{Now: start.Add(24 * time.Hour)}, WantErr: ErrEnded},
		{Name: "twice is a conflict", Given: append(given, cancelled(24000, now)), When: Cancel{Now: now}, WantErr: ErrCancelled},
		{Name: "unknown rental", When: Cancel{Now: now}, WantErr: ErrNotRented},
	})
}

func TestRemindAndExpire(t *testing.T) {
	start := now
	given := []domain.Event{rented(start, 48)} // reminder 12 h before the end
	due := start.Add(36 * time.Hour)
	reminder := func(version int, ends time.Time, at time.Time) ReminderDue {
		return ReminderDue{RentalID: rentalID, UserID: userID, PremiereID: premID, Title: "Маузер", TermVersion: version, EndsAt: ends, At: at}
	}
	extended := changed(start, 48, 96, 2, now) // reminder moves to 24 h before the new end
	decidertest.Run(t, Decider, []decidertest.Spec[Command]{
		{Name: "reminder when due", Given: given, When: Remind{TermVersion: 1, Now: due},
			Then: []domain.Event{reminder(1, start.Add(48*time.Hour), due)}},
		{Name: "not before it is due", Given: given, When: Remind{TermVersion: 1, Now: due.Add(-time.Second)}, WantErr: ErrNotYetDue},
		{Name: "once per term version", Given: append(given, reminder(1, start.Add(48*time.Hour), due)), When: Remind{TermVersion: 1, Now: due}},
		{Name: "a stale version is a no-op", Given: append(given, extended), When: Remind{TermVersion: 1, Now: due}},
		{Name: "a changed term gets a new reminder",
			Given: append(given, reminder(1, start.Add(48*time.Hour), due), extended),
			When:  Remind{TermVersion: 2, Now: start.Add(72 * time.Hour)},
			Then:  []domain.Event{reminder(2, start.Add(96*time.Hour), start.Add(72*time.Hour))}},
		{Name: "no reminder after cancel", Given: append(given, Cancelled{RentalID: rentalID}), When: Remind{TermVersion: 1, Now: due}},
		{Name: "reminder of unknown rental", When: Remind{TermVersion: 1, Now: due}, WantErr: ErrNotRented},
		{Name: "expires at the end", Given: given, When: Expire{Now: start.Add(48 * time.Hour)},
			Then: []domain.Event{Expired{RentalID: rentalID, UserID: userID, PremiereID: premID, EndsAt: start.Add(48 * time.Hour), At: start.Add(48 * time.Hour)}}},
		{Name: "not before the end", Given: given, When: Expire{Now: start.Add(47 * time.Hour)}, WantErr: ErrNotYetDue},
		{Name: "expires once", Given: append(given, Expired{RentalID: rentalID}), When: Expire{Now: start.Add(50 * time.Hour)}},
		{Name: "a cancelled rental does not expire", Given: append(given, Cancelled{RentalID: rentalID}), When: Expire{Now: start.Add(50 * time.Hour)}},
		{Name: "expire unknown rental", When: Expire{Now: now}, WantErr: ErrNotRented},
	})
}

func TestStatus(t *testing.T) {
	s := Decider.Fold([]domain.Event{rented(now.Add(time.Hour), 2)})
	cases := map[time.Time]string{
		now:                      StatusUpcoming,
		now.Add(time.Hour):       StatusActive,
		now.Add(3*time.Hour - 1): StatusActive,
		now.Add(3 * time.Hour):   StatusEnded,
	}
	for at, want := range cases {
		if got := s.Status(at); got != want {
			t.Errorf("Status(+%s) = %s, want %s", at.Sub(now), got, want)
		}
	}
	if got := Evolve(s, Cancelled{}).Status(now); got != StatusCancelled {
		t.Errorf("cancelled status = %s", got)
	}
	if s.Paid() != 2000 {
		t.Errorf("Paid = %d, want 2000", s.Paid())
	}
}

func TestSlotID(t *testing.T) {
	a, b := SlotID(userID, premID, 0), SlotID(userID, premID, 1)
	if a == b || a != SlotID(userID, premID, 0) {
		t.Fatalf("slot ids must be distinct per slot and stable: %s %s", a, b)
	}
	if SlotID(premID, userID, 0) == a {
		t.Fatal("slot ids must depend on who rents what")
	}
}
