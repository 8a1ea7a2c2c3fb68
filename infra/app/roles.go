package app

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/chance-video/chance/eventlog"
	"github.com/chance-video/chance/infra/config"
	"github.com/chance-video/chance/infra/lease"
	"github.com/chance-video/chance/projections"
)

// Roles split the shop across processes (config.AllRoles). Each process runs the parts
// of its roles; the single-active ones (each projection, the forwarder, the scheduler,
// recovery) hold a lease while they run, so that among the processes playing a role
// one is active and the others stand by.

// Lease names of the single-active roles (a projection's is projections.LeaseName).
const (
	ForwarderLease = "forwarder"
	SchedulerLease = "scheduler"
	RecoveryLease  = "recovery"
)

// Leases run a single-active role's work while this process holds its lease.
type Leases interface {
	Hold(ctx context.Context, name string, fn func(ctx context.Context) error) error
}

// heldLeases tracks the leases this process holds, and tells LeaseChanged.
type heldLeases struct {
	mu      sync.Mutex
	held    map[string]bool
	changed func(name string, held bool)
}

func (h *heldLeases) set(name string, held bool) {
	h.mu.Lock()
	h.held[name] = held
	changed := h.changed
	h.mu.Unlock()
	if changed != nil {
		changed(name, held)
	}
}

// OnLeaseChange registers fn to be told whenever this process starts or stops holding
// a lease (a metric of who is active). Call it before Run.
func (a *App) OnLeaseChange(fn func(name string, held bool)) {
	a.leaseState.mu.Lock()
	defer a.leaseState.mu.Unlock()
	a.leaseState.changed = fn
}

// HeldLeases lists the leases this process holds now.
func (a *App) HeldLeases() []string {
	a.leaseState.mu.Lock()
	defer a.leaseState.mu.Unlock()
	var out []string
	for name, held := range a.leaseState.held {
		if held {
			out = append(out, name)
		}
	}
	return out
}

// openLeases picks the leases: on a shared (PostgreSQL) read store, advisory locks in
// that database, since several processes may play each role; otherwise the data
// folder's lock already makes this process the only one, and every lease is held.
func (a *App) openLeases() {
	a.leaseState = &heldLeases{held: map[string]bool{}}
	if a.Config.ReadStore == config.Postgres {
		a.leases = &lease.Postgres{URL: a.Config.PostgresURL, Namespace: a.Config.PostgresSchema, OnChange: a.leaseState.set, Log: a.Log}
		return
	}
	a.leases = lease.Local{OnChange: a.leaseState.set}
}

// localLeases reports whether every lease is held at once (the embedded setup).
func (a *App) localLeases() bool {
	_, ok := a.leases.(lease.Local)
	return ok
}

// needsBus reports whether this process's roles publish or consume messages.
func needsBus(cfg config.Config) bool {
	for _, r := range []string{config.RoleAPI, config.RoleForwarder, config.RoleNotifier, config.RoleSenders} {
		if cfg.Has(r) {
			return true
		}
	}
	return false
}

// runRoles starts the parts of this process's roles in g.
func (a *App) runRoles(ctx context.Context, g *errgroup.Group) error {
	cfg := a.Config
	if err := a.runMessaging(ctx, g); err != nil {
		return err
	}
	if cfg.Has(config.RoleProjector) {
		g.Go(func() error { return a.Runner.Run(ctx) })
	}
	if w, ok := a.Reads.(projectedWatch); ok {
		// Projections other processes apply (all of them without the projector role,
		// those whose lease another process holds otherwise): reads here wait for
		// them through the store.
		g.Go(func() error { return watchProjected(ctx, w, a.Runner, a.Log) })
	}
	if cfg.Has(config.RoleNotifier) {
		a.catchUpFedReads(ctx, g)
	}
	if cfg.Has(config.RoleScheduler) {
		g.Go(func() error {
			return a.leases.Hold(ctx, SchedulerLease, func(ctx context.Context) error {
				return a.Scheduler.Run(ctx, cfg.SchedulerInterval)
			})
		})
	}
	if cfg.Has(config.RoleRecovery) {
		g.Go(func() error {
			return a.leases.Hold(ctx, RecoveryLease, func(ctx context.Context) error {
				if !a.localLeases() { // the embedded setup recovered before it started (Run)
					a.recoverAtStart(ctx)
				}
				return a.Recovery.Run(ctx, cfg.RecoveryInterval)
			})
		})
	}
	return nil
}

// runForwarder runs the forwarder while this process holds its lease.
func (a *App) runForwarder(ctx context.Context, g *errgroup.Group) {
	g.Go(func() error {
		return a.leases.Hold(ctx, ForwarderLease, func(ctx context.Context) error {
			if err := takeOverFromNotifier(ctx, a.followerCheckpoints()); err != nil {
				return err
			}
			return a.Forwarder.Run(ctx)
		})
	})
}

// projectedWatch is a read store that tells how far projections applied by any
// process have got (readpostgres).
type projectedWatch interface {
	Projected(ctx context.Context) (map[string]eventlog.Position, error)
	WatchProjected(ctx context.Context, changed func()) error
}

// watchGap is the shortest time between two looks at the store's positions: a burst of
// commits costs one query per gap.
const watchGap = 2 * time.Millisecond

// watchProjected keeps progress up to date with the positions the store records,
// looking at every notification (coalesced) and at least every second.
func watchProjected(ctx context.Context, w projectedWatch, runner *projections.Runner, log *slog.Logger) error {
	progress, names := runner.Progress(), runner.Names()
	wake := make(chan struct{}, 1)
	changed := func() {
		select {
		case wake <- struct{}{}:
		default:
		}
	}
	go func() { _ = w.WatchProjected(ctx, changed) }()
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-wake:
		case <-tick.C:
		}
		positions, err := w.Projected(ctx)
		if err != nil {
			if ctx.Err() == nil {
				log.Debug("how far the projections are: cannot ask the read store; trying again", "error", err)
			}
			continue
		}
		for _, name := range names { // not the read models fed from the bus
			if pos, ok := positions[name]; ok {
				progress.Set(name, pos)
			}
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(watchGap):
		}
	}
}
