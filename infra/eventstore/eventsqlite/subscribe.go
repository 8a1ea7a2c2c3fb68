package eventsqlite

import (
	"context"
	"fmt"
	"sync"

	"github.com/chance-video/chance/eventlog"
)

// subscribeBatch is how many events a subscription reads (and hands over) at a time.
const subscribeBatch = 500

// Subscribe delivers every event after position in commit order: it reads the file in
// batches until it has caught up, then waits for the writer's next commit and reads again.
// It returns ctx.Err() when ctx ends, the handler's error as is, or ErrClosed.
func (s *Store) Subscribe(ctx context.Context, after eventlog.Position, handle func(ctx context.Context, batch []eventlog.Record) error) error {
	for {
		if err := s.usable(ctx); err != nil {
			return err
		}
		// Take the wake-up channel BEFORE reading: a commit that the read misses is
		// published after this point, so it closes this very channel — no lost wake-up.
		head, committed := s.head.current()
		batch, err := s.readShared(ctx, after, head)
		if err != nil {
			if stop := s.usable(ctx); stop != nil {
				return stop // the read failed because ctx ended or the store closed
			}
			return fmt.Errorf("subscribe after %s: %w", after, err)
		}
		if len(batch) > 0 {
			if err := handle(ctx, batch); err != nil {
				return err
			}
			after = batch[len(batch)-1].Position
			if len(batch) == subscribeBatch {
				continue // more may be stored already
			}
		}
		select {
		case <-committed:
		case <-ctx.Done():
			return ctx.Err()
		case <-s.closing:
			return ErrClosed
		}
	}
}

// headNotifier holds the last committed position and a channel that is closed (and
// replaced) on every commit, so any number of subscriptions wait without polling.
type headNotifier struct {
	mu        sync.Mutex
	head      uint64
	committed chan struct{}
}

func newHeadNotifier(head uint64) *headNotifier {
	return &headNotifier{head: head, committed: make(chan struct{})}
}

// current returns the head and the channel the next commit will close.
func (n *headNotifier) current() (uint64, <-chan struct{}) {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.head, n.committed
}

// publish is called by the writer after each successful COMMIT.
func (n *headNotifier) publish(head uint64) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.head = head
	close(n.committed)
	n.committed = make(chan struct{})
}

// readShared reads the batch after `after`, or takes the one another subscription
// read there at the same head (recentBatches).
func (s *Store) readShared(ctx context.Context, after eventlog.Position, head uint64) ([]eventlog.Record, error) {
	if batch, ok := s.recent.get(after.Commit, head); ok {
		return batch, nil
	}
	batch, err := s.readAll(ctx, after, subscribeBatch)
	if err == nil {
		s.recent.put(after.Commit, head, batch)
	}
	return batch, err
}
