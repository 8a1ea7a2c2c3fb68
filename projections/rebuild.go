package projections

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/chance-video/chance/domain/codec"
	"github.com/chance-video/chance/eventlog"
)

// RebuildReport tells how a rebuild is going.
type RebuildReport struct {
	Projection string
	Events     uint64            // log events read so far
	Reached    eventlog.Position // last position applied
	Head       eventlog.Position // the log's head when this phase started
	Elapsed    time.Duration
	Done       bool
}

// Rebuild replays a projection from position zero into shadow tables and swaps them
// in once caught up; queries read the current tables meanwhile. Use it when no
// Runner follows the store (the replay command); Runner.Rebuild does it online.
func Rebuild(ctx context.Context, log Log, store Rebuildable, p Projector, report func(RebuildReport)) error {
	return only(RebuildAll(ctx, log, store, []Projector{p}, report))
}

// Rebuild rebuilds one of the runner's projections while the shop runs: the live
// follower keeps the current tables up to date until the shadow has nearly caught
// up, then pauses for the last stretch and the swap, and resumes on the new tables.
func (r *Runner) Rebuild(ctx context.Context, name string, report func(RebuildReport)) error {
	return only(r.RebuildTogether(ctx, []string{name}, nil, report))
}

// only is the error of a rebuild of one projection: its own, not a Failed of one.
func only(err error) error {
	var failed Failed
	if errors.As(err, &failed) && len(failed) == 1 {
		for _, err := range failed {
			return err
		}
	}
	return err
}

var errCaughtUp = errors.New("caught up")

// CatchUp applies the log to a projection's serving tables from their checkpoint up
// to the log's head as it is now, then returns. For a read model fed from elsewhere
// than the runner (the billing history from the bus), so that what its feed did not
// bring (events before the feed started, or applied to tables a rebuild replaced) is
// applied too: the projector must be idempotent, as every projector is.
func CatchUp(ctx context.Context, log Log, store Store, p Projector) error {
	var progress RebuildReport
	if err := catchUp(ctx, log, store, codec.Shop(), p, &progress, func(eventlog.Position, int) {}); err != nil {
		return fmt.Errorf("catch %s up with the log: %w", p.Name(), err)
	}
	return nil
}

// catchUp applies the log to a shadow (or serving tables) up to the head as it is now,
// and records the position reached as the checkpoint.
func catchUp(ctx context.Context, log Log, shadow Store, c *codec.Codec, p Projector, progress *RebuildReport, step func(eventlog.Position, int)) error {
	head, err := log.Head(ctx)
	if err != nil {
		return err
	}
	progress.Head = head
	var reached eventlog.Position
	for {
		from, err := shadow.Checkpoint(ctx, p.Name())
		if err != nil {
			return err
		}
		if !from.Less(head) {
			return nil
		}
		reached = from
		err = readAhead(ctx, log, from, c, p, func(ctx context.Context, b decoded) error {
			if err := write(ctx, shadow, p, b); err != nil {
				return err
			}
			reached = b.last
			step(reached, b.size)
			if !reached.Less(head) {
				return errCaughtUp
			}
			return nil
		})
		if errors.Is(err, errCaughtUp) {
			break
		}
		if !errors.Is(err, errResume) { // another process applied part of a batch: go on from its checkpoint
			return err
		}
	}
	// Batches with nothing for this projector wrote no checkpoint: record the end.
	return shadow.Update(ctx, p.Name(), reached, func(Writes) error { return nil })
}
