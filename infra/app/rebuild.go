package app

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
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

func (r *rebuilds) Rebuild(ctx context.Context, names []string, done func(string, uint64)) error {
	release, err := r.reserve(names)
	if err != nil {
		return err
	}
	defer release()
	for _, name := range names {
		var events uint64
		report := func(p projections.RebuildReport) { events = p.Events }
		var err error
		if p, fed := r.fed[name]; fed {
			err = r.rebuildFed(ctx, p, report)
		} else {
			// The follower of another process (this one's lease standing by) may
			// deadlock with the swap: it starts afresh.
			err = retryConflicts(func() error { return r.runner.Rebuild(ctx, name, report) })
		}
		if err != nil {
			return fmt.Errorf("rebuild %s: %w", name, err)
		}
		if done != nil {
			done(name, events)
		}
	}
	return nil
}

// reserve marks every name busy, or none.
func (r *rebuilds) reserve(names []string) (release func(), err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, n := range names {
		if !slices.Contains(r.Names(), n) {
			return nil, fmt.Errorf("%s: %w", n, httpapi.ErrUnknownProjection)
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
