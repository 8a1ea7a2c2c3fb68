package app

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/chance-video/chance/commands"
	"github.com/chance-video/chance/eventlog"
	"github.com/chance-video/chance/infra/bus"
	"github.com/chance-video/chance/infra/config"
	"github.com/chance-video/chance/infra/httpapi"
	"github.com/chance-video/chance/infra/observe"
	"github.com/chance-video/chance/infra/senders"
	"github.com/chance-video/chance/integration"
	"github.com/chance-video/chance/notifications"
	"github.com/chance-video/chance/projections"
)

// channelOfSender names the channel each sender's bus handler sends on, for the
// notification metrics.
var channelOfSender = map[string]string{
	senders.InboxHandler:    notifications.ChannelInbox,
	senders.EmailHandler:    notifications.ChannelEmail,
	senders.SMSHandler:      notifications.ChannelSMS,
	senders.TelegramHandler: notifications.ChannelTelegram,
}

// OpenTraced is Open with spans going to t rather than to the configured exporter
// (tests record them with the SDK's tracetest).
func OpenTraced(cfg config.Config, clock Clock, log *slog.Logger, t *observe.Tracing, opts ...commands.Option) (*App, error) {
	return open(cfg, clock, log, t, opts...)
}

// openObservability builds the metrics and the tracing: t, or the configured OTLP
// exporter, or none. Close flushes the spans not yet exported, last of all.
func (a *App) openObservability(t *observe.Tracing) error {
	a.Metrics = observe.NewMetrics()
	if t == nil {
		var err error
		t, err = observe.NewTracing(context.Background(), observe.TracingConfig{
			Endpoint: a.Config.OTLPEndpoint, ServiceName: a.Config.ServiceName, Roles: a.roles()})
		if err != nil {
			return fmt.Errorf("OTEL_EXPORTER_OTLP_ENDPOINT: %w", err)
		}
		a.closers = append(a.closers, func() error { return t.Shutdown(context.Background()) })
	}
	a.Tracing = t
	return nil
}

// observeUseCases adds the metrics and the tracer to the use-case hooks.
func (a *App) observeUseCases() {
	a.Hooks.Metrics = a.Metrics.UseCases()
	a.Hooks.Tracer = a.Tracing.UseCases()
}

// traced gives each projector a span per event it applies, when tracing is on.
func (a *App) traced(ps []projections.Projector) []projections.Projector {
	out := make([]projections.Projector, len(ps))
	for i, p := range ps {
		out[i] = a.Tracing.Projector(p)
	}
	return out
}

// requestTracer opens a span per HTTP request; nil when tracing is off.
func (a *App) requestTracer() httpapi.RequestTracer {
	if !a.Tracing.Enabled() {
		return nil
	}
	return a.Tracing
}

// commandStore is the event store as the commands see it: measured (and traced).
func (a *App) commandStore() observe.EventStore {
	return observe.Events(a.Events, a.Metrics, a.Tracing)
}

// watchFollowers reports the projections' and the forwarder's positions and lag, and
// which leases this process holds. Every process reports them, whatever its roles:
// the projections' progress comes from the read store on a process that does not
// apply them (watchProjected), and the forwarder's from its stored checkpoint. A read
// model fed from the bus (the billing history on Kafka) has no place in the log: its
// lag is its consumer's (chance_bus_consumer_lag_seconds).
func (a *App) watchFollowers() {
	progress := a.Runner.Progress()
	a.Metrics.WatchFollowers(a.Events, a.Clock.Now,
		observe.Followers{Kind: "projection", Names: a.Runner.Names, Reached: func(_ context.Context, name string) (eventlog.Position, error) {
			return progress.Reached(name), nil
		}},
		observe.Followers{Kind: "forwarder", Names: func() []string { return []string{integration.ForwarderName} }, Reached: a.forwarded})
	for handler, channel := range channelOfSender {
		a.Metrics.Channel(handler, channel)
	}
	a.OnLeaseChange(a.Metrics.LeaseHeld)
}

// forwarded is how far the forwarder has published: here, if this process runs it,
// else as its checkpoint in the read store says.
func (a *App) forwarded(ctx context.Context, name string) (eventlog.Position, error) {
	here := a.Delivery.Reached(name)
	stored, found, err := a.Reads.FollowerCheckpoint(ctx, name)
	if err != nil || !found || !here.Less(stored) {
		return here, err
	}
	return stored, nil
}

// busObserver sees every message the router's handlers take.
func (a *App) busObserver() bus.Observer { return observe.Bus(a.Metrics, a.Tracing, a.Clock.Now) }

// roles lists the roles this process plays, for the traces' resource.
func (a *App) roles() []string {
	var out []string
	for _, r := range config.AllRoles {
		if a.Config.Has(r) {
			out = append(out, r)
		}
	}
	return out
}
