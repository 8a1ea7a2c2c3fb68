// Package scheduler issues the commands time calls for: the reminder before a term
// ends and the expiry at its end, once per term version. It reads what is due from
// the rentals read model; the rental aggregate decides, so a stale read model can
// only cause a no-op, never a wrong reminder or an early expiry.
package scheduler

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain"
	"github.com/chance-video/chance/eventlog"
	"github.com/chance-video/chance/readmodel/rentals"
)

// Due lists rentals whose reminder or end has come.
type Due interface {
	DueRentals(ctx context.Context, now time.Time, limit int) ([]rentals.Rental, error)
}

// Commands are the rental commands the scheduler issues.
type Commands interface {
	Remind(ctx context.Context, rentalID uuid.UUID, termVersion int) (eventlog.Position, error)
	Expire(ctx context.Context, rentalID uuid.UUID) (eventlog.Position, error)
}

// Clock tells the time.
type Clock interface{ Now() time.Time }

// Scheduler issues due reminders and expiries.
type Scheduler struct {
	Due      Due
	Commands Commands
	Clock    Clock
	Log      *slog.Logger
}

// batch bounds one pass; a pass repeats until nothing more is due.
const batch = 200

// Tick issues everything due at the clock's now — also what fell due while the
// shop was down — and returns how many commands recorded something.
func (s *Scheduler) Tick(ctx context.Context) (int, error) {
	now := s.Clock.Now()
	issued := 0
	seen := map[uuid.UUID]bool{}
	for {
		due, err := s.Due.DueRentals(ctx, now, batch)
		if err != nil {
			return issued, fmt.Errorf("due rentals: %w", err)
		}
		progressed := false
		for _, r := range due {
			if seen[r.ID] {
				continue // the read model has not caught up with our own command yet
			}
			seen[r.ID] = true
			progressed = true
			done, err := s.issue(ctx, r, now)
			if err != nil {
				return issued, err
			}
			if done {
				issued++
			}
		}
		if !progressed || len(due) < batch {
			return issued, nil
		}
	}
}

// issue sends the command a due rental calls for; done is false when the aggregate
// had nothing to do or refused.
func (s *Scheduler) issue(ctx context.Context, r rentals.Rental, now time.Time) (done bool, err error) {
	var pos eventlog.Position
	if !now.Before(r.EndsAt()) {
		pos, err = s.Commands.Expire(ctx, r.ID)
	} else {
		pos, err = s.Commands.Remind(ctx, r.ID, r.TermVersion)
	}
	if errors.Is(err, domain.ErrConflict) || errors.Is(err, domain.ErrNotFound) {
		// The rental moved on (term changed, read model behind): the aggregate refused,
		// and a later tick sees the current term.
		return false, nil
	}
	return err == nil && pos != eventlog.Start, err
}

// Run ticks every interval until ctx ends. Errors are logged; the next tick retries.
func (s *Scheduler) Run(ctx context.Context, interval time.Duration) error {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if n, err := s.Tick(ctx); err != nil {
			s.Log.Error("scheduler tick", "error", err)
		} else if n > 0 {
			s.Log.Info("scheduler issued commands", "count", n)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
}
