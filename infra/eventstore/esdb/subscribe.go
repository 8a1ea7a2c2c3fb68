package esdb

import (
	"context"
	"errors"
	"time"

	"github.com/chance-video/chance/eventlog"
)

// Resubscription delays: none after a subscription that delivered something (it was
// working; the server restarted or cut it), then doubling from retryMin up to retryMax
// while attempts fail without delivering anything.
const (
	retryMin = 50 * time.Millisecond
	retryMax = 5 * time.Second
)

// Subscribe delivers every event after the position, in batches, until ctx ends (it
// returns ctx.Err()), handle fails (it returns handle's error), the store closes
// (ErrClosed), or the server refuses the credentials.
//
// When the subscription drops — the server restarts, cuts a slow subscriber, the network
// fails — it subscribes again from the last position handle accepted, so every event is
// delivered once and in order however often that happens.
func (s *Store) Subscribe(ctx context.Context, after eventlog.Position, handle func(ctx context.Context, batch []eventlog.Record) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	subCtx, stop := s.bind(ctx)
	defer stop()
	f := &follower{store: s, last: after, handle: handle}
	var delay time.Duration
	for {
		progressed, err := f.follow(subCtx)
		var final finalError
		switch {
		case ctx.Err() != nil:
			return ctx.Err()
		case subCtx.Err() != nil: // the store closed
			return ErrClosed
		case errors.As(err, &final):
			return final.err
		case permanent(err):
			return err
		}
		if progressed {
			delay = 0
		} else {
			delay = min(max(2*delay, retryMin), retryMax)
		}
		s.log.Warn("eventstoredb: subscription to $all ended; subscribing again",
			"after", f.last.String(), "in", delay, "error", err)
		if err := wait(subCtx, delay); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return ErrClosed
		}
	}
}

// bind returns a context that also ends when the store closes.
func (s *Store) bind(ctx context.Context) (context.Context, func()) {
	ctx, cancel := context.WithCancel(ctx)
	stopAfter := context.AfterFunc(s.done, cancel)
	return ctx, func() {
		stopAfter()
		cancel()
	}
}

func wait(ctx context.Context, d time.Duration) error {
	if d == 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// finalError carries an error that ends Subscribe as it is — the handler's, or an event
// that cannot be decoded — out of follow, to tell it from a drop worth resubscribing.
type finalError struct{ err error }

func (e finalError) Error() string { return e.err.Error() }
func (e finalError) Unwrap() error { return e.err }
