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
	return rebuild(ctx, log, store, codec.Shop(), p, report, func() (func(), error) { return func() {}, nil })
}

// Rebuild rebuilds one of the runner's projections while the shop runs: the live
// follower keeps the current tables up to date until the shadow has nearly caught
// up, then pauses for the last stretch and the swap, and resumes on the new tables.
func (r *Runner) Rebuild(ctx context.Context, name string, report func(RebuildReport)) error {
	p, ok := r.projectors[name]
	if !ok {
		return fmt.Errorf("no projection named %q", name)
	}
	store, ok := r.store.(Rebuildable)
	if !ok {
		return fmt.Errorf("the read store cannot rebuild projections")
	}
	ctx, done, err := r.startRebuild(ctx)
	if err != nil {
		return fmt.Errorf("rebuild %s: %w", name, err)
	}
	defer done()
	return rebuild(ctx, r.log, store, r.codec, p, report, func() (func(), error) { return r.pause(name) })
}

func rebuild(ctx context.Context, log Log, store Rebuildable, c *codec.Codec, p Projector, report func(RebuildReport), pause func() (func(), error)) (err error) {
	if report == nil {
		report = func(RebuildReport) {}
	}
	shadow, err := store.Shadow(ctx, p.Name())
	if err != nil {
		return fmt.Errorf("rebuild %s: %w", p.Name(), err)
	}
	defer func() {
		if err != nil {
			err = errors.Join(err, shadow.Discard(context.WithoutCancel(ctx)))
		}
	}()
	started := time.Now()
	progress := RebuildReport{Projection: p.Name()}
	step := func(reached eventlog.Position, events int) {
		progress.Events += uint64(events)
		progress.Reached = reached
		progress.Elapsed = time.Since(started)
		report(progress)
	}
	if err := catchUp(ctx, log, shadow, c, p, &progress, step); err != nil {
		return fmt.Errorf("rebuild %s: %w", p.Name(), err)
	}
	resume, err := pause()
	if err != nil {
		return err
	}
	defer resume()
	if err := catchUp(ctx, log, shadow, c, p, &progress, step); err != nil {
		return fmt.Errorf("rebuild %s: %w", p.Name(), err)
	}
	if err := shadow.Promote(ctx); err != nil {
		return fmt.Errorf("rebuild %s: promote: %w", p.Name(), err)
	}
	progress.Done = true
	report(progress)
	return nil
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
