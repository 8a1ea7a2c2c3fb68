package queries

import (
	"context"
	"fmt"
	"time"

	"github.com/chance-video/chance/eventlog"
)

// Clock tells the time; tests inject a manual one so remaining terms are exact.
type Clock interface {
	Now() time.Time
}

// Progress tells how far the projections have applied the log
// (projections.Progress implements it).
type Progress interface {
	// Wait blocks until the named projections have applied the log up to pos, or
	// ctx ends.
	Wait(ctx context.Context, pos eventlog.Position, names ...string) error
}

// Options tune the read-your-writes wait. Zero values take the defaults.
type Options struct {
	// MaxWait bounds how long a query waits for the projections to reach the
	// client's last write before answering from what they have. Default 2 s.
	MaxWait time.Duration
	// RememberFor is how long a client's last write position is kept. Projections
	// trail the log by milliseconds, so a minute-old write has long been applied.
	// Default 1 minute.
	RememberFor time.Duration
	// MaxClients bounds the clients whose last write is kept; past it the least
	// recently written is forgotten. Default 100,000.
	MaxClients int
	// Fed names the read models fed from the bus rather than by the projection
	// runner, and how a reader waits for them (see Fed). None on the embedded setup.
	Fed map[string]Fed
}

// Defaults of Options.
const (
	DefaultMaxWait     = 2 * time.Second
	DefaultRememberFor = time.Minute
	DefaultMaxClients  = 100_000
)

func (o Options) withDefaults() Options {
	if o.MaxWait == 0 {
		o.MaxWait = DefaultMaxWait
	}
	if o.RememberFor == 0 {
		o.RememberFor = DefaultRememberFor
	}
	if o.MaxClients == 0 {
		o.MaxClients = DefaultMaxClients
	}
	return o
}

// Validate reports options that cannot work.
func (o Options) Validate() error {
	o = o.withDefaults()
	if o.MaxWait < 0 || o.RememberFor < 0 || o.MaxClients < 0 {
		return fmt.Errorf("queries: negative option in %+v", o)
	}
	return nil
}

// Service answers the shop's queries from a ReadStore.
type Service struct {
	store    ReadStore
	clock    Clock
	progress Progress
	opts     Options
	writes   *lastWrites
}

// New builds a Service. progress may be nil when nothing projects in this process
// (then reads never wait).
func New(store ReadStore, clock Clock, progress Progress, opts Options) (*Service, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	opts = opts.withDefaults()
	return &Service{
		store:    store,
		clock:    clock,
		progress: progress,
		opts:     opts,
		writes:   newLastWrites(opts.MaxClients, opts.RememberFor, clock.Now),
	}, nil
}
