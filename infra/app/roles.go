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
	"github.com/chance-video/chance/integration"
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
	// settled: leases this process has held, or found held by another process; a
	// lease not settled yet is being waited out (the fencing delay) or not tried yet.
	settled map[string]bool
	moved   chan struct{} // closed and replaced when settled grows
}

func newHeldLeases() *heldLeases {
	return &heldLeases{held: map[string]bool{}, settled: map[string]bool{}, moved: make(chan struct{})}
}

func (h *heldLeases) set(name string, held bool) {
	h.mu.Lock()
	h.held[name] = held
	h.settleLocked(name)
	changed := h.changed
	h.mu.Unlock()
	if changed != nil {
		changed(name, held)
	}
}

// standby notes that another process holds name.
func (h *heldLeases) standby(name string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.settleLocked(name)
}

func (h *heldLeases) settleLocked(name string) {
	if !h.settled[name] {
		h.settled[name] = true
		close(h.moved)
		h.moved = make(chan struct{})
	}
}

// unsettled lists which of names are neither held here nor known held elsewhere.
func (h *heldLeases) unsettled(names []string) (left []string, moved <-chan struct{}) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, n := range names {
		if !h.settled[n] {
			left = append(left, n)
		}
	}
	return left, h.moved
}

// awaitSettled waits until every lease of names is held here or known held elsewhere.
func (h *heldLeases) awaitSettled(ctx context.Context, names []string) error {
	for {
		left, moved := h.unsettled(names)
		if len(left) == 0 {
			return nil
		}
		select {
		case <-moved:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// projectionLeases are the lease names of the runner's projections.
func (a *App) projectionLeases() []string {
	var names []string
	for _, n := range a.Runner.Names() {
		names = append(names, projections.LeaseName(n))
	}
	return names
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
	a.leaseState = newHeldLeases()
	if a.Config.ReadStore == config.Postgres {
		a.leases = &lease.Postgres{URL: a.Config.PostgresURL, Namespace: a.Config.PostgresSchema, OnChange: a.leaseState.set,
			OnStandby: a.leaseState.standby, Log: a.Log}
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
			for pause := 100 * time.Millisecond; ; pause = min(2*pause, 5*time.Second) {
				err := takeOverFromNotifier(ctx, a.followerCheckpoints())
				if err == nil {
					break
				}
				if ctx.Err() != nil || !eventlog.Unavailable(err) {
					return err
				}
				a.Log.Warn("forwarder: the read store cannot be reached to take the old checkpoint over; trying again", "pause", pause, "error", err)
				select {
				case <-ctx.Done():
					return ctx.Err()
				case <-time.After(pause):
				}
			}
			a.warnIfForwardingFromStart(ctx)
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
// commits costs one query per gap, and a waiting read learns of its write at most this
// much later.
const watchGap = 20 * time.Millisecond

// watchProjected keeps progress up to date with the positions the store records: at
// least every second (for /readyz's lag and the startup readiness), and on a
// notification (coalesced) only while a read waits for progress — otherwise it only
// notes that positions moved, and looks when a read starts waiting.
func watchProjected(ctx context.Context, w projectedWatch, runner *projections.Runner, log *slog.Logger) error {
	progress, names := runner.Progress(), runner.Names()
	wake := make(chan struct{}, 1)
	changed := func() {
		select {
		case wake <- struct{}{}:
		default:
		}
	}
	var listening sync.WaitGroup
	listening.Go(func() { _ = w.WatchProjected(ctx, changed) })
	defer listening.Wait()
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	moved := true // positions may have moved since the last look
	for {
		_, began := progress.Waiting()
		select {
		case <-ctx.Done():
			return nil
		case <-wake:
			moved = true
			if waiting, _ := progress.Waiting(); waiting == 0 { // now: one may have begun meanwhile
				continue
			}
		case <-began:
			if !moved {
				continue
			}
		case <-tick.C:
		}
		moved = false
		positions, err := w.Projected(ctx)
		if err != nil {
			moved = true
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

// warnIfForwardingFromStart says so loudly when the forwarder is about to publish a
// log with a history from its start: on a shop upgraded straight to a fleet it means the
// old checkpoint file stayed in the single process's data folder (Stored takes it over
// only where it is). Consumers discard the repeats by event id; it takes as long as the
// log is big. Not refused: a deliberate re-publish starts there too. A new shop (an
// empty log, or one holding only the demo catalogue) starts there by design: Info.
func (a *App) warnIfForwardingFromStart(ctx context.Context) {
	at, err := a.followerCheckpoints().Load(ctx, integration.ForwarderName)
	if err != nil || !at.IsStart() {
		return
	}
	head, err := a.Events.Head(ctx)
	if err != nil || head.IsStart() {
		return
	}
	if a.onlyDemoCatalogue(ctx, head) {
		a.Log.Info("forwarder: a new shop: publishing its log from the start", "head", head.String())
		return
	}
	a.Log.Warn("forwarder: no checkpoint in the read store and no checkpoint file in this data folder: publishing the whole log from its start (consumers discard repeats by event id). If this shop ran as a single process before, stop and start the upgraded version once on that process's data folder first, so its checkpoint is taken over",
		"head", head.String())
}

// onlyDemoCatalogue tells whether the log up to head holds nothing but the demo
// catalogue's events (a few dozen; a log any longer than a page is not that).
func (a *App) onlyDemoCatalogue(ctx context.Context, head eventlog.Position) bool {
	const page = 1000
	batch, err := a.Events.ReadAll(ctx, eventlog.Start, page)
	if err != nil || len(batch) == 0 || len(batch) == page || batch[len(batch)-1].Position.Less(head) {
		return false
	}
	for _, r := range batch {
		if r.Metadata.CorrelationID != demoSeed {
			return false
		}
	}
	return true
}
