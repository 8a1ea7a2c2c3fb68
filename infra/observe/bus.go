package observe

import (
	"context"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/chance-video/chance/infra/bus"
	"github.com/chance-video/chance/integration"
	"github.com/chance-video/chance/notifications"
)

// Outcomes of a notification message on a channel, as labelled.
const (
	notificationSent         = "sent"
	notificationFailed       = "failed" // one failed attempt; the router tries again
	notificationDeadLettered = "dead_lettered"
)

func (m *Metrics) registerBus() {
	m.busMessages = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "chance_bus_messages_total",
		Help: "Messages a bus handler took, by handler and outcome (handled|dead_lettered|failed|stopped), after retries.",
	}, []string{"handler", "outcome"})
	m.busFailures = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "chance_bus_attempt_failures_total", Help: "Failed attempts of a bus handler, retried or not.",
	}, []string{"handler"})
	m.busDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "chance_bus_handle_duration_seconds", Help: "Time a bus handler took over a message, retries included.",
		Buckets: latencyBuckets,
	}, []string{"handler"})
	m.busLag = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "chance_bus_consumer_lag_seconds",
		Help: "Age of the last message a bus handler took (from its occurred_at header) when it took it: how far behind the handler runs.",
	}, []string{"handler"})
	m.notifications = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "chance_notification_messages_total",
		Help: "Notification messages by channel (inbox|email|sms|telegram) and outcome: sent, failed (an attempt), dead_lettered.",
	}, []string{"channel", "outcome"})
	m.registry.MustRegister(m.busMessages, m.busFailures, m.busDuration, m.busLag, m.notifications)
}

// Channel says that the bus handler named handler sends notifications on channel, so
// its messages count as that channel's sent, failed and dead-lettered messages. Call
// it before the handler takes its first message (the handler's series are resolved
// then, once).
func (m *Metrics) Channel(handler, channel string) {
	m.channelsByName.Store(handler, channel)
	for _, outcome := range []string{notificationSent, notificationFailed, notificationDeadLettered} {
		m.notifications.WithLabelValues(channel, outcome) // present at 0 before the first message
	}
}

func (m *Metrics) channelOf(handler string) (string, bool) {
	c, ok := m.channelsByName.Load(handler)
	if !ok {
		return "", false
	}
	return c.(string), true
}

// Bus is the observer of the bus router's handlers: their metrics and, with tracing
// on, a span per message joined to the trace its headers carry. Either may be nil;
// now is the shop's clock, which stamps the messages' occurred_at.
func Bus(m *Metrics, t *Tracing, now func() time.Time) bus.Observer {
	if m == nil && !t.Enabled() {
		return nil
	}
	return busObserver{m: m, t: t, now: now}
}

type busObserver struct {
	m   *Metrics
	t   *Tracing
	now func() time.Time
}

// handlerMetrics are one bus handler's series, resolved once.
type handlerMetrics struct {
	outcomes map[bus.Outcome]prometheus.Counter
	failures prometheus.Counter
	duration prometheus.Observer
	lag      prometheus.Gauge
	// channel is the notification channel the handler sends on ("" if none), with
	// its series.
	channel                    string
	sent, failed, deadLettered prometheus.Counter
}

func (m *Metrics) handler(name string) *handlerMetrics {
	return m.busHandlers.get(name, func(name string) *handlerMetrics {
		h := &handlerMetrics{outcomes: map[bus.Outcome]prometheus.Counter{},
			failures: m.busFailures.WithLabelValues(name), duration: m.busDuration.WithLabelValues(name), lag: m.busLag.WithLabelValues(name)}
		for _, o := range []bus.Outcome{bus.Handled, bus.DeadLettered, bus.Failed, bus.Stopped} {
			h.outcomes[o] = m.busMessages.WithLabelValues(name, string(o))
		}
		if c, ok := m.channelOf(name); ok {
			h.channel = c
			h.sent = m.notifications.WithLabelValues(c, notificationSent)
			h.failed = m.notifications.WithLabelValues(c, notificationFailed)
			h.deadLettered = m.notifications.WithLabelValues(c, notificationDeadLettered)
		}
		return h
	})
}

func (o busObserver) Begin(ctx context.Context, handler string, msg *message.Message) (context.Context, func(bus.Outcome)) {
	ctx = withCorrelation(ctx, msg.Metadata.Get(integration.MetaCorrelationID))
	var endSpan func(bus.Outcome)
	if o.t.Enabled() {
		ctx, endSpan = o.t.startMessage(ctx, handler, msg)
	}
	if o.m == nil {
		return ctx, endSpan
	}
	h := o.m.handler(handler)
	started := time.Now()
	if at, err := time.Parse(time.RFC3339Nano, msg.Metadata.Get(integration.MetaOccurredAt)); err == nil {
		h.lag.Set(max(o.now().Sub(at).Seconds(), 0))
	}
	sends := h.channel != "" && forChannel(msg, h.channel)
	return ctx, func(outcome bus.Outcome) {
		if endSpan != nil {
			endSpan(outcome)
		}
		if c, ok := h.outcomes[outcome]; ok {
			c.Inc()
		}
		h.duration.Observe(time.Since(started).Seconds())
		switch {
		case !sends:
		case outcome == bus.Handled:
			h.sent.Inc()
		case outcome == bus.DeadLettered:
			h.deadLettered.Inc()
		}
	}
}

func (o busObserver) AttemptFailed(handler string) {
	if o.m == nil {
		return
	}
	h := o.m.handler(handler)
	h.failures.Inc()
	if h.channel != "" {
		h.failed.Inc()
	}
}

// forChannel reports whether a notification message goes out on channel: every
// sender sees every message and skips those not for it.
func forChannel(msg *message.Message, channel string) bool {
	n, err := notifications.Decode(msg)
	return err == nil && n.For(channel)
}
