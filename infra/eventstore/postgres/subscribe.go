package postgres

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/chance-video/chance/eventlog"
)

// subscribeBatch is how many events a subscription reads (and hands over) at a time.
const subscribeBatch = 500

// Subscribe delivers every event after position in commit order: it reads the log in
// batches until it has caught up, then waits to be woken and reads again. It is woken by
// this process's commits, by the NOTIFY of every other process's commits (see
// listener), and at the latest after the poll interval, should a notification be lost.
// It returns ctx.Err() when ctx ends, the handler's error as is, or ErrClosed.
func (s *Store) Subscribe(ctx context.Context, after eventlog.Position, handle func(ctx context.Context, batch []eventlog.Record) error) error {
	s.listen.start()
	poll := time.NewTimer(s.poll)
	defer poll.Stop()
	var outage time.Duration // the last pause in an outage; 0 when reads work
	for {
		if err := s.usable(ctx); err != nil {
			return err
		}
		// Take the wake-up channel BEFORE reading: a commit that the read misses signals
		// after this point, so it closes this very channel — no lost wake-up.
		woken := s.wake.wait()
		batch, err := s.readAll(ctx, after, subscribeBatch)
		if err != nil {
			if stop := s.usable(ctx); stop != nil {
				return stop // the read failed because ctx ended or the store closed
			}
			if !eventlog.Unavailable(err) {
				return fmt.Errorf("subscribe after %s: %w", after, err)
			}
			// The database restarting or out of reach: wait and read again, as
			// EventStoreDB's client resubscribes, rather than stop every follower.
			if err := s.pauseOutage(ctx, &outage); err != nil {
				return err
			}
			continue
		}
		outage = 0
		if len(batch) > 0 {
			if err := handle(ctx, batch); err != nil {
				return err
			}
			after = batch[len(batch)-1].Position
			if len(batch) == subscribeBatch {
				continue // more may be stored already
			}
		}
		poll.Reset(s.poll) // since Go 1.23 no stale tick can be left in the channel
		select {
		case <-woken:
		case <-poll.C:
		case <-ctx.Done():
			return ctx.Err()
		case <-s.closing:
			return ErrClosed
		}
	}
}

// wakeup is a channel that is closed (and replaced) whenever the log may have grown, so
// any number of subscriptions wait without polling.
type wakeup struct {
	mu sync.Mutex
	ch chan struct{}
}

func newWakeup() *wakeup { return &wakeup{ch: make(chan struct{})} }

// wait returns the channel the next signal closes.
func (w *wakeup) wait() <-chan struct{} {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.ch
}

func (w *wakeup) signal() {
	w.mu.Lock()
	defer w.mu.Unlock()
	close(w.ch)
	w.ch = make(chan struct{})
}

// pauseOutage waits before the next read while the database cannot be reached: 100 ms
// at first, twice as long each time, at most 5 s. It returns ctx's error or ErrClosed
// if the wait ends that way.
func (s *Store) pauseOutage(ctx context.Context, last *time.Duration) error {
	*last = min(max(2**last, 100*time.Millisecond), 5*time.Second)
	t := time.NewTimer(*last)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-s.closing:
		return ErrClosed
	}
}
