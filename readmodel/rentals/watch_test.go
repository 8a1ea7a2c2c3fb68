package rentals_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain"
	"github.com/chance-video/chance/queries/querytest"
	"github.com/chance-video/chance/readmodel/rentals"
)

func TestWatch(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	user, other := uuid.New(), uuid.New()
	active := f.rental(user, uuid.New(), start.Add(-time.Hour), 3, nil)
	upcoming := f.rental(user, uuid.New(), start.Add(2*time.Hour), 48, nil)
	ended := f.rental(user, uuid.New(), start.Add(-72*time.Hour), 24, nil)
	expired := f.rental(user, uuid.New(), start.Add(-time.Hour), 24, func(r *rentals.Rental) { r.Expired = true })
	cancelled := f.rental(user, uuid.New(), start.Add(-time.Hour), 10, func(r *rentals.Rental) { r.Cancelled = true })

	if r, err := f.q.Watch(ctx, user, active.ID); err != nil || r.ID != active.ID {
		t.Fatalf("active rental: %+v, %v", r, err)
	}
	for _, tc := range []struct {
		name   string
		id     uuid.UUID
		reason string
	}{
		{"upcoming", upcoming.ID, rentals.NotStarted},
		{"ended", ended.ID, rentals.TermOver},
		{"expired by the scheduler", expired.ID, rentals.TermOver},
		{"cancelled", cancelled.ID, rentals.Cancelled},
	} {
		var refused *rentals.NotInTerm
		if _, err := f.q.Watch(ctx, user, tc.id); !errors.As(err, &refused) || refused.Reason != tc.reason {
			t.Errorf("%s: %v, want %s", tc.name, err, tc.reason)
		}
	}
	_, err := f.q.Watch(ctx, other, active.ID)
	querytest.WantKind(t, err, domain.ErrNotFound)
	_, err = f.q.Watch(ctx, user, uuid.New())
	querytest.WantKind(t, err, domain.ErrNotFound)

	// The term's last second is in it; its end is not.
	f.clock.Set(active.EndsAt().Add(-time.Second))
	if _, err := f.q.Watch(ctx, user, active.ID); err != nil {
		t.Fatalf("a second before the end: %v", err)
	}
	f.clock.Set(active.EndsAt())
	if _, err := f.q.Watch(ctx, user, active.ID); err == nil || err.Error() != "the term is over: it ended at 2026-12-01T20:00:00Z" {
		t.Fatalf("at the end: %v", err)
	}
	f.clock.Set(upcoming.StartsAt)
	if _, err := f.q.Watch(ctx, user, upcoming.ID); err != nil {
		t.Fatalf("at the start: %v", err)
	}
}
