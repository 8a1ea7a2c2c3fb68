// Package scheduler issues the commands time calls for: the reminder before a term
// ends and the expiry at its end, once per term version, and the expiry of top-ups
// left unpaid. It reads what is due from the rentals and accounts read models; the
// aggregates decide, so a stale read model can only cause a no-op, never a wrong
// reminder or an early expiry.
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
	"github.com/chance-video/chance/readmodel/accounts"
	"github.com/chance-video/chance/readmodel/rentals"
)

// Due lists rentals whose reminder or end has come.
type Due interface {
	DueRentals(ctx context.Context, now time.Time, limit int) ([]rentals.Rental, error)
}

// DueTopUps lists pending top-ups whose expiry has come.
type DueTopUps interface {
	PendingTopUpsDue(ctx context.Context, now time.Time, limit int) ([]accounts.Payment, error)
}

// Commands are the commands the scheduler issues.
type Commands interface {
	Remind(ctx context.Context, rentalID uuid.UUID, termVersion int) (eventlog.Position, error)
	Expire(ctx context.Context, rentalID uuid.UUID) (eventlog.Position, error)
	// ExpireTopUp ends a top-up left unpaid; changed is false if it was settled meanwhile.
	ExpireTopUp(ctx context.Context, userID, payment uuid.UUID) (changed bool, err error)
}

// Clock tells the time.
type Clock interface{ Now() time.Time }

// Scheduler issues due reminders and expiries.
type Scheduler struct {
	Due      Due
	TopUps   DueTopUps // nil: no top-ups expire (the demo credits them at once)
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
	issued, err := s.expireTopUps(ctx, now)
	if err != nil {
		return issued, err
	}
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

// expireTopUps expires the top-ups left unpaid past their expiry.
func (s *Scheduler) expireTopUps(ctx context.Context, now time.Time) (int, error) {
	if s.TopUps == nil {
		return 0, nil
	}
	issued := 0
	seen := map[uuid.UUID]bool{}
	for {
		due, err := s.TopUps.PendingTopUpsDue(ctx, now, batch)
		if err != nil {
			return issued, fmt.Errorf("pending top-ups due: %w", err)
		}
		progressed := false
		for _, p := range due {
			if seen[p.ID] {
				continue // the read model has not caught up with our own command yet
			}
			seen[p.ID], progressed = true, true
			changed, err := s.Commands.ExpireTopUp(ctx, p.UserID, p.ID)
			if errors.Is(err, domain.ErrConflict) || errors.Is(err, domain.ErrNotFound) {
				continue // the account decided otherwise (read model behind): a later tick sees
			}
			if err != nil {
				return issued, err
			}
			if changed {
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
