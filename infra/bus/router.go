package bus

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ThreeDotsLabs/watermill/message/router/middleware"
)

// RouterConfig configures a Router.
type RouterConfig struct {
	Retry Retry
	// PoisonTopic receives the messages a handler still failed on after Retry: with
	// Watermill's reason_poisoned, topic_poisoned and handler_poisoned metadata and
	// this package's Meta* failure metadata.
	PoisonTopic string
	Now         func() time.Time // stamps failures; the injected clock
	Log         *slog.Logger
	// Observer, if set, sees every message each handler takes (metrics, traces).
	Observer Observer
}

// Validate reports settings that cannot work.
func (c RouterConfig) Validate() error {
	if c.PoisonTopic == "" || c.Now == nil || c.Log == nil {
		return errors.New("bus: a router needs a PoisonTopic, a clock and a logger")
	}
	return c.Retry.Validate()
}

// Router runs handlers over Watermill's message.Router. It knows the Pub/Sub only
// through a Publisher (for dead letters) and Subscribers, so the same routing runs on
// the in-process bus and on Kafka.
type Router struct {
	cfg    RouterConfig
	router *message.Router
	pub    message.Publisher
	subs   Subscribers
}

// NewRouter prepares a router; add handlers, then Run it.
func NewRouter(cfg RouterConfig, pub message.Publisher, subs Subscribers) (*Router, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg.Retry = cfg.Retry.withDefaults()
	// Shutdown ends retries at once (their context is cancelled), so handlers stop
	// well within this.
	r, err := message.NewRouter(message.RouterConfig{CloseTimeout: 10 * time.Second}, watermill.NewSlogLogger(cfg.Log))
	if err != nil {
		return nil, err
	}
	return &Router{cfg: cfg, router: r, pub: pub, subs: subs}, nil
}

// Deliver makes handle consume topic under name, in a subscription of its own: a
// failure is retried as cfg.Retry says, then the message goes to the poison topic
// and the next one flows. A message requeued for another handler is skipped.
//
// WARNING: name is the handler's identity on the bus (its Kafka consumer group, the
// handler a dead letter is requeued to): never rename one, or it re-consumes (or
// skips) every message and its dead letters can no longer be requeued.
func (r *Router) Deliver(name, topic string, handle Handler) error {
	poison, err := middleware.PoisonQueueWithFilter(r.pub, r.cfg.PoisonTopic, func(err error) bool {
		return !errors.Is(err, errStopping)
	})
	if err != nil {
		return err
	}
	return r.add(name, topic, handle, onlyFor(name), poison, stopping, r.observe(name, true), r.retry(), r.countFailures(name), middleware.Recoverer)
}

// Keep makes handle consume topic under name, never giving a message up: a failure
// is retried as cfg.Retry says, again and again. For the consumer of dead letters,
// which must not lose one; it holds back only other dead letters.
//
// WARNING: as for Deliver, never rename a handler.
func (r *Router) Keep(name, topic string, handle Handler) error {
	return r.add(name, topic, handle, r.observe(name, false), r.retry(), r.countFailures(name), middleware.Recoverer)
}

func (r *Router) add(name, topic string, handle Handler, mw ...message.HandlerMiddleware) error {
	sub, err := r.subs(name)
	if err != nil {
		return fmt.Errorf("subscription of %s: %w", name, err)
	}
	h := r.router.AddConsumerHandler(name, topic, sub, func(m *message.Message) error { return handle(m.Context(), m) })
	h.AddMiddleware(mw...)
	return nil
}

// Run subscribes every handler and handles messages until ctx ends (then it returns
// ctx's error). Running is closed once every handler is subscribed.
func (r *Router) Run(ctx context.Context) error {
	stop := context.AfterFunc(ctx, func() {
		if err := r.router.Close(); err != nil {
			r.cfg.Log.Error("bus router did not stop in time", "error", err)
		}
	})
	defer stop()
	if err := r.router.Run(ctx); err != nil {
		return fmt.Errorf("bus router: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	// Every subscription ended by itself (the Pub/Sub closed): messages published now
	// would find no consumer, so stop everything rather than run on without them.
	return errors.New("bus router: every handler stopped")
}

// Running is closed once every handler is subscribed: a publisher that starts after
// it finds every consumer listening.
func (r *Router) Running() <-chan struct{} { return r.router.Running() }

// retry is Watermill's Retry middleware with the configured bounds.
func (r *Router) retry() message.HandlerMiddleware {
	return middleware.Retry{
		MaxRetries:          r.cfg.Retry.Attempts - 1,
		InitialInterval:     r.cfg.Retry.FirstPause,
		MaxInterval:         r.cfg.Retry.MaxPause,
		Multiplier:          2,
		RandomizationFactor: 0.1,
	}.Middleware
}

// errStopping marks a failure that happened because the router is stopping: the
// message is left unacked (handled again after a restart), never dead-lettered.
var errStopping = errors.New("stopping")

func stopping(h message.HandlerFunc) message.HandlerFunc {
	return func(m *message.Message) ([]*message.Message, error) {
		out, err := h(m)
		if err != nil && m.Context().Err() != nil {
			return out, fmt.Errorf("%w: %w", errStopping, err)
		}
		return out, err
	}
}

// onlyFor skips a requeued message meant for another handler: requeueing republishes
// on the original topic, and the handlers that did handle it need not see it again.
func onlyFor(name string) message.HandlerMiddleware {
	return func(h message.HandlerFunc) message.HandlerFunc {
		return func(m *message.Message) ([]*message.Message, error) {
			if to := m.Metadata.Get(MetaRequeuedFor); to != "" && to != name {
				return nil, nil
			}
			return h(m)
		}
	}
}

// countFailures records each failed attempt in the message's metadata (which the
// poison queue then publishes with it) and logs it.
func (r *Router) countFailures(name string) message.HandlerMiddleware {
	return func(h message.HandlerFunc) message.HandlerFunc {
		return func(m *message.Message) ([]*message.Message, error) {
			out, err := h(m)
			if err == nil || m.Context().Err() != nil {
				return out, err
			}
			now := r.cfg.Now().UTC().Format(time.RFC3339Nano)
			attempts := metaInt(m, MetaAttempts) + 1
			m.Metadata.Set(MetaAttempts, fmt.Sprint(attempts))
			if m.Metadata.Get(MetaFirstFailedAt) == "" {
				m.Metadata.Set(MetaFirstFailedAt, now)
				m.Metadata.Set(MetaFailureID, watermill.NewUUID())
			}
			m.Metadata.Set(MetaLastFailedAt, now)
			if r.cfg.Observer != nil {
				r.cfg.Observer.AttemptFailed(name)
			}
			r.cfg.Log.Warn("message not handled", "handler", name, "message_id", m.UUID,
				"attempt", attempts, "of", r.cfg.Retry.Attempts, "error", err)
			return out, err
		}
	}
}
