package commands

import (
	"context"
	"fmt"

	"github.com/chance-video/chance/domain"
	"github.com/chance-video/chance/domain/codec"
	"github.com/chance-video/chance/domain/user"
)

// Service runs the shop's commands against an event store. Callers reach them through
// Handlers (NewHandlers), which names each use case and runs the hooks around it; the
// write model's reads are on Lookup, and Recovery completes the flows a crash cut short.
type Service struct {
	store EventStore
	codec *codec.Codec
	clock Clock
	locks *streamLocks
	cache *streamCache
	// snapshots, if set, keeps the states of long streams (WithSnapshots).
	snapshots *snapshotter
	// payments, if it has a Provider, takes top-ups through it (WithPayments).
	payments Payments
	// channels are the notification channels this shop sends on (WithChannels).
	channels []string
	// completed are the orders this process's requests completed (Recovery skips them).
	completed *completedFlows
	// stepDone is called after each step of a flow; tests make it fail to stop a
	// flow where a crash would, then check that Recover finishes the job.
	stepDone func(step string) error
}

// Option configures a Service.
type Option func(*Service)

// WithStepHook calls hook after each step of a flow; a non-nil error stops the flow
// there and is returned, as if the process had crashed at that point.
func WithStepHook(hook func(step string) error) Option {
	return func(s *Service) { s.stepDone = hook }
}

// New builds a Service.
func New(store EventStore, clock Clock, opts ...Option) *Service {
	s := &Service{store: store, codec: codec.Shop(), clock: clock, locks: &streamLocks{}, cache: newStreamCache(defaultCacheBytes, defaultCacheStreams),
		completed: newCompletedFlows(),
		channels:  offered(user.DefaultChannels()), stepDone: func(string) error { return nil }}
	for _, o := range opts {
		o(s)
	}
	return s
}

// load folds a stream into an aggregate's state without deciding anything.
func load[S, C any](ctx context.Context, s *Service, d domain.Decider[S, C], stream string) (S, error) {
	l, err := loadStream(ctx, s, d, stream, Request{})
	return l.state, err
}

// step marks the end of a flow step for the crash hook.
func (s *Service) step(name string) error {
	if err := s.stepDone(name); err != nil {
		return fmt.Errorf("flow stopped after %s: %w", name, err)
	}
	return nil
}
