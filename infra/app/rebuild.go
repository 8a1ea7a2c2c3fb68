package app

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/chance-video/chance/infra/httpapi"
	"github.com/chance-video/chance/projections"
)

// rebuilds lets admins and operators rebuild read models online through the runner,
// one rebuild of a read model at a time: a request naming a read model already being
// rebuilt is refused before it starts (it would pause a follower already paused).
type rebuilds struct {
	runner *projections.Runner
	mu     sync.Mutex
	busy   map[string]bool
}

func (a *App) rebuilder() *rebuilds {
	a.rebuildOnce.Do(func() { a.rebuilds = &rebuilds{runner: a.Runner, busy: map[string]bool{}} })
	return a.rebuilds
}

func (r *rebuilds) Names() []string { return r.runner.Names() }

func (r *rebuilds) Rebuild(ctx context.Context, names []string, done func(string, uint64)) error {
	release, err := r.reserve(names)
	if err != nil {
		return err
	}
	defer release()
	for _, name := range names {
		var events uint64
		if err := r.runner.Rebuild(ctx, name, func(p projections.RebuildReport) { events = p.Events }); err != nil {
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
		if !slices.Contains(r.runner.Names(), n) {
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
