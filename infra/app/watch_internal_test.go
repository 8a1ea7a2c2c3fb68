package app

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chance-video/chance/eventlog"
	"github.com/chance-video/chance/projections"
	"github.com/chance-video/chance/readmodel/accounts"
)

// storePositions stands for the read store's projected positions, which another
// process's projector moves, and its notifications.
type storePositions struct {
	mu        sync.Mutex
	at        eventlog.Position
	looks     atomic.Int32
	notify    chan func()
	listening atomic.Bool
}

func (s *storePositions) Projected(context.Context) (map[string]eventlog.Position, error) {
	s.looks.Add(1)
	s.mu.Lock()
	defer s.mu.Unlock()
	return map[string]eventlog.Position{accounts.Name: s.at}, nil
}

func (s *storePositions) WatchProjected(ctx context.Context, changed func()) error {
	s.listening.Store(true)
	defer s.listening.Store(false)
	s.notify <- changed
	<-ctx.Done()
	time.Sleep(50 * time.Millisecond) // closing its connection takes a moment
	return ctx.Err()
}

func (s *storePositions) move(to eventlog.Position) {
	s.mu.Lock()
	s.at = to
	s.mu.Unlock()
}

// A read waiting for a position another process's projector reached is served at the
// notification (not at the once-a-second look), also when the notification came before
// the read started waiting; the watcher returns only once it has stopped listening.
func TestWatchProjectedServesWaitingReads(t *testing.T) {
	store := &storePositions{notify: make(chan func(), 1)}
	runner := projections.NewRunner(nil, nil, accounts.Projector)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- watchProjected(ctx, store, runner, slog.New(slog.DiscardHandler)) }()
	changed := <-store.notify
	pos := func(n uint64) eventlog.Position { return eventlog.Position{Commit: n, Prepare: n} }
	wait := func(to eventlog.Position) {
		t.Helper()
		wctx, stop := context.WithTimeout(ctx, 500*time.Millisecond) // under the 1 s look
		defer stop()
		if err := runner.Progress().Wait(wctx, to, accounts.Name); err != nil {
			t.Fatalf("a read waiting for %s: %v", to, err)
		}
	}

	// Moved and notified while nobody waited: the read starting later is served.
	store.move(pos(3))
	changed()
	wait(pos(3))
	// Moved and notified while a read waits.
	go func() {
		for runner.Progress().Reached(accounts.Name) == pos(3) {
			if n, _ := runner.Progress().Waiting(); n > 0 {
				store.move(pos(5))
				changed()
				return
			}
			time.Sleep(time.Millisecond) // polling for the waiter, with the test's deadline
		}
	}()
	wait(pos(5))

	cancel()
	<-done
	if store.listening.Load() {
		t.Fatal("watchProjected returned while its listener was still running")
	}
}
