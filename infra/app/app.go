// Package app wires the shop together from configuration: stores, command and query
// services, projections, notifications and the scheduler. The chance binary and the
// end-to-end tests build the same App.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/chance-video/chance/commands"
	"github.com/chance-video/chance/eventlog"
	"github.com/chance-video/chance/infra/bus"
	"github.com/chance-video/chance/infra/checkpoints"
	"github.com/chance-video/chance/infra/config"
	"github.com/chance-video/chance/infra/datadir"
	"github.com/chance-video/chance/infra/observe"
	"github.com/chance-video/chance/infra/senders"
	"github.com/chance-video/chance/integration"
	"github.com/chance-video/chance/notifications"
	"github.com/chance-video/chance/projections"
	"github.com/chance-video/chance/queries"
	"github.com/chance-video/chance/readmodel/ledger"
	"github.com/chance-video/chance/scheduler"
	"github.com/chance-video/chance/usecase"
)

// Clock tells the time; tests pass a manual one.
type Clock interface {
	commands.Clock
}

// ReadStore is what the read side needs of a read-model store: projections write it,
// queries and the inbox read and fill it, dead letters and sent records are kept in it, and projections
// can be rebuilt in it.
type ReadStore interface {
	projections.Rebuildable
	queries.ReadStore
	queries.Inbox
	bus.DeadLetterStore
	senders.SentRecords
	checkpoints.Store
	Close() error
}

// App is the whole shop in one process.
type App struct {
	Config   config.Config
	Clock    Clock
	Log      *slog.Logger
	Events   eventlog.Store
	Reads    ReadStore
	Commands *commands.Service
	// Handlers are the write side's use cases over Commands, decorated with Hooks:
	// every caller in this process (HTTP, the scheduler, the operator) goes through them.
	Handlers commands.Handlers
	// Hooks run around every command and query: a debug log line per use case now;
	// metrics and tracing plug in here.
	Hooks  usecase.Hooks
	Runner *projections.Runner
	Bus    bus.PubSub
	// Forwarder publishes the log on the event topics; the notification Policy consumes
	// them, and so does Billing, the billing history's feed, when it is fed from the bus
	// (nil when the runner projects it).
	Forwarder *integration.Forwarder
	Policy    *notifications.Policy
	Billing   *ledger.Feed
	Scheduler *scheduler.Scheduler
	Recovery  *commands.Recovery // completes interrupted flows while the shop serves
	closers   []func() error
	// leases make one process at a time active in each single-active role (roles.go).
	leases     Leases
	leaseState *heldLeases
	lock       *datadir.Lock
	started    time.Time

	rebuildOnce sync.Once
	rebuilds    *rebuilds
	readiness   *readiness
	readyOnce   sync.Once
	readyCache  *readyCache
	// billingCaughtUp is closed once the billing history, fed from the bus, has caught
	// up with the log at start (nil when the runner projects it).
	billingCaughtUp chan struct{}

	// Delivery is how far the forwarder has published (see Delivered).
	Delivery *projections.Progress
	// Senders consume the notifications; tests may replace one before Run.
	Senders     []Sender
	DeadLetters bus.DeadLetters

	// Subscribers gives each named handler its own subscription of Bus (on Kafka, a
	// consumer group of that name).
	Subscribers bus.Subscribers

	// Metrics are this App's Prometheus metrics (GET /metrics); Tracing its
	// OpenTelemetry tracing (off unless configured). See observe.go.
	Metrics *observe.Metrics
	Tracing *observe.Tracing
}

// Open opens the stores in the configured data folder and builds every part. Nothing
// runs until Run. Options configure the command service (tests inject failures).
func Open(cfg config.Config, clock Clock, log *slog.Logger, opts ...commands.Option) (*App, error) {
	return open(cfg, clock, log, nil, opts...)
}

func open(cfg config.Config, clock Clock, log *slog.Logger, tracing *observe.Tracing, opts ...commands.Option) (_ *App, err error) {
	a := &App{Config: cfg, Clock: clock, Log: log, started: time.Now(), readiness: newReadiness()}
	defer func() {
		if err != nil {
			err = errors.Join(err, a.Close()) // what was opened before the failure
		}
	}()
	// First of all: nothing may touch the folder's files while another process owns them.
	if a.lock, err = datadir.Acquire(cfg.DataDir, a.owner("")); err != nil {
		return nil, err
	}
	a.closers = append(a.closers, a.lock.Release)
	if err = a.openObservability(tracing); err != nil {
		return nil, err
	}
	if a.Events, err = openEvents(cfg, a.Metrics.Committed); err != nil {
		return nil, err
	}
	a.closers = append(a.closers, a.Events.Close)
	if err = a.claimEventStore(context.Background()); err != nil {
		return nil, err
	}
	if a.Reads, err = openReads(cfg); err != nil {
		return nil, err
	}
	a.closers = append(a.closers, a.Reads.Close)
	a.logMemory()
	// The shop's channels, payments and the budget's stream cache first, so a test's
	// options may still change them.
	opts = append(append([]commands.Option{commands.WithChannels(cfg.Channels()...), streamCacheOption(cfg)}, paymentOptions(cfg)...), opts...)
	snapshots, err := openSnapshots(cfg)
	if err != nil {
		return nil, err
	}
	if snapshots != nil {
		opts = append([]commands.Option{commands.WithSnapshots(commands.SnapshotConfig{Store: snapshots,
			OnError: func(stream string, err error) { log.Warn("snapshot", "stream", stream, "error", err) }})}, opts...)
		a.closers = append(a.closers, func() error {
			if a.Commands != nil {
				a.Commands.WaitSnapshots()
			}
			return snapshots.Close()
		})
	}
	a.Hooks = usecase.Hooks{Logger: log}
	a.observeUseCases()
	a.Commands = commands.New(a.commandStore(), clock, opts...)
	a.Handlers = commands.NewHandlers(a.Commands, a.Hooks)
	a.openLeases()
	a.Runner = projections.NewRunner(a.Events, a.Reads, a.traced(a.projected())...)
	a.Runner.UseLeases(a.leases)
	if needsBus(cfg) {
		if a.Bus, a.Subscribers, err = openBus(cfg, log); err != nil {
			return nil, err
		}
		a.closers = append(a.closers, a.Bus.Close)
	}
	if err = a.openMessaging(); err != nil {
		return nil, err
	}
	a.watchFollowers()
	a.Scheduler = &scheduler.Scheduler{Due: a.Reads, Commands: scheduled{a.Handlers}, Clock: clock, Log: log}
	if expiresTopUps(cfg) {
		a.Scheduler.TopUps = a.Reads
	}
	a.Recovery = a.recovery()
	return a, nil
}

// Run runs the parts of this process's roles (all of them by default: the
// projections, the forwarder with the consumers of its topics, the scheduler and flow
// recovery) until ctx ends or one of them fails. The single-active parts run while
// this process holds their lease.
func (a *App) Run(ctx context.Context) error {
	if a.Config.Has(config.RoleRecovery) && a.localLeases() {
		// The only process: complete what a crash interrupted before being ready.
		a.recoverAtStart(ctx)
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
	// Ready once the read models have caught up with the log as it is now.
	head, err := a.Events.Head(ctx)
	if err != nil {
		return fmt.Errorf("read the log's head: %w", err)
	}
	if !a.Config.Has(config.RoleNotifier) {
		a.billingCaughtUp = nil // the billing feed's catch-up runs with the notifier
	}
	g, ctx := errgroup.WithContext(ctx)
	if err := a.runRoles(ctx, g); err != nil {
		return errors.Join(err, g.Wait())
	}
	g.Go(func() error { a.awaitCaughtUp(ctx, head); return nil })
	err = g.Wait()
	if errors.Is(err, context.Canceled) {
		return nil
	}
	return err
}

// recoverAtStart completes the flows a crash interrupted; one that cannot be completed
// now is left to the recovery loop.
func (a *App) recoverAtStart(ctx context.Context) {
	if err := a.Recover(ctx); err != nil && ctx.Err() == nil {
		// One flow that cannot be completed now must not keep the whole shop down: the
		// recovery loop tries it again on every pass.
		a.Log.Error("some interrupted flows could not be completed at start; the recovery loop retries them", "error", err)
	}
}

// Recover completes the flows started since the last recovery.
func (a *App) Recover(ctx context.Context) error {
	saved := a.followerCheckpoints()
	from, err := saved.Load(ctx, commands.RecoveryCheckpoint)
	if err != nil {
		return err
	}
	reached, err := a.Recovery.Recover(ctx, from)
	if reached != from {
		a.Log.Info("flows recovered", "from", from.String(), "to", reached.String())
		// Never past a flow that failed (Recover stops its position before it).
		err = errors.Join(err, saved.Save(ctx, commands.RecoveryCheckpoint, reached))
	}
	return err
}

// owner describes this process in the data folder's lock.
func (a *App) owner(socket string) datadir.Owner {
	return datadir.Owner{PID: os.Getpid(), Command: strings.Join(os.Args, " "), Since: a.started.UTC(), Socket: socket}
}

// AnnounceSocket tells processes refused the data folder where this one takes
// operator commands.
func (a *App) AnnounceSocket(path string) error { return a.lock.Describe(a.owner(path)) }

// Close releases the stores; safe after a failed Open.
func (a *App) Close() error {
	var errs []error
	for i := len(a.closers) - 1; i >= 0; i-- {
		errs = append(errs, a.closers[i]())
	}
	a.closers = nil
	return errors.Join(errs...)
}
