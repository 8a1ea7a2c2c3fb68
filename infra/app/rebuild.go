package app

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/chance-video/chance/infra/config"
	"github.com/chance-video/chance/infra/httpapi"
	"github.com/chance-video/chance/projections"
)

// rebuilds lets admins and operators rebuild read models online through the runner,
// one rebuild of a read model at a time: a request naming a read model already being
// rebuilt is refused before it starts (it would pause a follower already paused).
type rebuilds struct {
	runner *projections.Runner
	// fed are the read models fed from the bus (the billing history on Kafka): no
	// follower to pause, so they are rebuilt beside their consumer (see rebuildFed).
	fed   map[string]projections.Projector
	log   projections.Log
	store projections.Rebuildable
	mu    sync.Mutex
	busy  map[string]bool
}

func (a *App) rebuilder() *rebuilds {
	a.rebuildOnce.Do(func() {
		fed := map[string]projections.Projector{}
		maps.Copy(fed, a.fed())
		if !a.Config.Has(config.RoleProjector) {
			// No follower here to pause: rebuild beside the follower of the process
			// holding the projection's lease, as for a read model fed from the bus.
			for _, p := range a.projected() {
				fed[p.Name()] = p
			}
		}
		a.rebuilds = &rebuilds{runner: a.Runner, fed: fed, log: a.Events, store: a.Reads, busy: map[string]bool{}}
	})
	return a.rebuilds
}

func (r *rebuilds) Names() []string {
	names := r.runner.Names()
	for name := range r.fed {
		if !slices.Contains(names, name) {
			names = append(names, name)
		}
	}
	return names
}

// rebuildFed rebuilds a read model its consumer keeps writing: into fresh tables from
// the log while the consumer writes the serving ones, then, once they are swapped in,
// from the fresh tables' checkpoint up to the log's head again. What the consumer wrote
// to the old tables meanwhile was appended to the log before it, so it is in that
// stretch; the consumer's own writes to the new tables are the same lines, kept once
// per event id.
//
// The swap and the catch-up can meet the consumer's transaction on the same tables, and
// a database may then end one of the two as a deadlock or a serialization failure: the
// step that lost is tried again (the rebuild starts afresh, the catch-up goes on from its
// checkpoint; the consumer retries its own).
func (r *rebuilds) rebuildFed(ctx context.Context, p projections.Projector, report func(projections.RebuildReport)) error {
	if err := retryConflicts(func() error { return projections.Rebuild(ctx, r.log, r.store, p, report) }); err != nil {
		return err
	}
	return retryConflicts(func() error { return projections.CatchUp(ctx, r.log, r.store, p) })
}

// retryConflicts runs step up to three times while the database ends it as a
// transaction conflict.
func retryConflicts(step func() error) error {
	var err error
	for range 3 {
		if err = step(); !transactionConflict(err) {
			return err
		}
	}
	return err
}

// transactionConflict tells a transaction the database ended to break a deadlock or
// keep transactions serializable (SQLSTATE 40P01, 40001): trying again is the cure.
func transactionConflict(err error) bool {
	var coded interface{ SQLState() string }
	return errors.As(err, &coded) && (coded.SQLState() == "40P01" || coded.SQLState() == "40001")
}

// Rebuild rebuilds the named read models from one pass over the log (see
// projections.Runner.RebuildTogether): the runner's own with their followers paused
// for the swap, the fed ones beside their consumers, then caught up. A read model whose
// rebuild the database ended as a transaction conflict is rebuilt again (up to three
// passes in all); one that failed otherwise is reported, the others are swapped in.
func (r *rebuilds) Rebuild(ctx context.Context, names []string, done func(string, uint64)) error {
	release, err := r.reserve(names)
	if err != nil {
		return err
	}
	defer release()
	left, failed := names, projections.Failed{}
	for round := 1; len(left) > 0; round++ {
		lost, events, err := r.rebuildOnce(ctx, left)
		if err != nil {
			return err
		}
		retry := left[:0:0]
		for _, name := range left {
			err, ok := lost[name]
			switch {
			case !ok:
				if done != nil {
					done(name, events[name])
				}
			case transactionConflict(err) && round < 3:
				retry = append(retry, name)
			default:
				failed[name] = err
			}
		}
		left = retry
	}
	if len(failed) > 0 {
		return failed
	}
	return nil
}

// rebuildOnce rebuilds names in one pass and catches the fed ones up: it returns those
// that failed, with why, and how many log events each read.
func (r *rebuilds) rebuildOnce(ctx context.Context, names []string) (projections.Failed, map[string]uint64, error) {
	var mu sync.Mutex
	events := map[string]uint64{}
	report := func(p projections.RebuildReport) {
		mu.Lock()
		defer mu.Unlock()
		events[p.Projection] = p.Events
	}
	var own []string
	var fed []projections.Projector
	for _, name := range names {
		if p, ok := r.fed[name]; ok {
			fed = append(fed, p)
		} else {
			own = append(own, name)
		}
	}
	failed := projections.Failed{}
	if err := r.runner.RebuildTogether(ctx, own, fed, report); err != nil && !errors.As(err, &failed) {
		return nil, nil, err
	}
	for _, p := range fed {
		if _, lost := failed[p.Name()]; lost {
			continue
		}
		// What the consumer wrote to the old tables meanwhile is in the log past the new
		// tables' checkpoint (see rebuildFed).
		if err := retryConflicts(func() error { return projections.CatchUp(ctx, r.log, r.store, p) }); err != nil {
			failed[p.Name()] = fmt.Errorf("rebuild %s: catch up: %w", p.Name(), err)
		}
	}
	return failed, events, nil
}

// reserve marks every name busy, or none.
func (r *rebuilds) reserve(names []string) (release func(), err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, n := range names {
		if !slices.Contains(r.Names(), n) {
			return nil, fmt.Errorf("%s: %w (try all, or one of %s)", n, httpapi.ErrUnknownProjection, strings.Join(r.Names(), ", "))
		}
		if r.busy[n] {
			return nil, fmt.Errorf("%s: %w", n, httpapi.ErrRebuildInProgress)
		}
	}
	for _, n := range names {
		r.busy[n] = true
	}
	return func() {
		r.mu.Lock()
		defer r.mu.Unlock()
		for _, n := range names {
			delete(r.busy, n)
		}
	}, nil
}
