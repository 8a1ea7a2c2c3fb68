package eventstoretest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/chance-video/chance/eventlog"
)

// collector gathers what a subscription delivers and says when it has enough.
type collector struct {
	t      *testing.T
	want   int
	mu     sync.Mutex
	got    []eventlog.Record
	first  chan struct{} // closed after the first batch
	enough chan struct{} // closed once want events arrived
}

func newCollector(t *testing.T, want int) *collector {
	return &collector{t: t, want: want, first: make(chan struct{}), enough: make(chan struct{})}
}

func (c *collector) handle(_ context.Context, batch []eventlog.Record) error {
	if len(batch) == 0 {
		c.t.Errorf("subscription delivered an empty batch")
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	before := len(c.got)
	c.got = append(c.got, batch...)
	if before == 0 {
		close(c.first)
	}
	if before < c.want && len(c.got) >= c.want {
		close(c.enough)
	}
	return nil
}

func (c *collector) records() []eventlog.Record {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]eventlog.Record(nil), c.got...)
}

// subscribe runs s.Subscribe in a goroutine; the returned channel yields its result.
func subscribe(ctx context.Context, s eventlog.Store, after eventlog.Position, handle func(context.Context, []eventlog.Record) error) <-chan error {
	done := make(chan error, 1)
	go func() { done <- s.Subscribe(ctx, after, handle) }()
	return done
}

// testSubscribeCatchUpAndLive: events stored before subscribing, then events appended
// while it catches up and after, all arrive once, in log order, with no gap.
func testSubscribeCatchUpAndLive(t *testing.T, s eventlog.Store) {
	const liveWriters, liveAppends = 4, 20
	ctx := testContext(t)
	prefix := newStream("sub")

	stored := 0
	for i := range 12 {
		events := newEvents(1 + i%3)
		mustAppend(t, ctx, s, fmt.Sprintf("%s-%d", prefix, i%3), eventlog.Any, events)
		stored += len(events)
	}
	live := 0
	for i := range liveAppends {
		live += 1 + i%2
	}
	c := newCollector(t, stored+liveWriters*live)

	subCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	result := subscribe(subCtx, s, eventlog.Start, c.handle)

	// Half the writers race the catch-up; the other half start once it has delivered.
	var wg sync.WaitGroup
	defer wg.Wait()
	for w := range liveWriters {
		wg.Go(func() {
			if w%2 == 1 {
				select {
				case <-c.first:
				case <-ctx.Done():
					return
				}
			}
			for i := range liveAppends {
				stream := fmt.Sprintf("%s-live-%d", prefix, (w+i)%5)
				if _, err := s.Append(ctx, stream, eventlog.Any, newEvents(1+i%2)); err != nil {
					t.Errorf("live writer %d append %d: %v", w, i, err)
					return
				}
			}
		})
	}
	wg.Wait()

	select {
	case <-c.enough:
	case err := <-result:
		t.Fatalf("subscription ended early: %v", err)
	case <-ctx.Done():
		t.Fatalf("subscription delivered %d of %d events before the deadline", len(c.records()), c.want)
	}
	cancel()
	if err := <-result; !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled subscription returned %v, want context.Canceled", err)
	}

	got, want := c.records(), readEverything(t, ctx, s)
	if len(got) != len(want) {
		t.Fatalf("subscription delivered %d events, the log holds %d", len(got), len(want))
	}
	for i := range want {
		if got[i].ID != want[i].ID || got[i].Position != want[i].Position || got[i].Revision != want[i].Revision {
			t.Fatalf("event %d: delivered %s at %s, log has %s at %s", i, got[i].ID, got[i].Position, want[i].ID, want[i].Position)
		}
	}
	checkLogOrder(t, got, nil)
}

// testSubscribeAfter: subscribing after a position skips everything up to and including it.
func testSubscribeAfter(t *testing.T, s eventlog.Store) {
	ctx := testContext(t)
	stream := newStream("sub")
	for range 5 {
		mustAppend(t, ctx, s, stream, eventlog.Any, newEvents(2))
	}
	all := readEverything(t, ctx, s)
	c := newCollector(t, len(all)-4)
	subCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	result := subscribe(subCtx, s, all[3].Position, c.handle)

	select {
	case <-c.enough:
	case err := <-result:
		t.Fatalf("subscription ended early: %v", err)
	case <-ctx.Done():
		t.Fatalf("subscription delivered %d of %d events", len(c.records()), c.want)
	}
	cancel()
	if err := <-result; !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled subscription returned %v, want context.Canceled", err)
	}
	got := c.records()
	if len(got) != len(all)-4 {
		t.Fatalf("delivered %d events, want %d", len(got), len(all)-4)
	}
	for i, r := range got {
		if w := all[4+i]; r.ID != w.ID || r.Position != w.Position {
			t.Errorf("event %d: delivered %s at %s, want %s at %s", i, r.ID, r.Position, w.ID, w.Position)
		}
	}
}

func testSubscribeHandlerError(t *testing.T, s eventlog.Store) {
	ctx := testContext(t)
	mustAppend(t, ctx, s, newStream("sub"), eventlog.NoStream, newEvents(3))
	boom := errors.New("projector failed")
	calls := 0
	err := s.Subscribe(ctx, eventlog.Start, func(context.Context, []eventlog.Record) error {
		calls++
		return fmt.Errorf("apply: %w", boom)
	})
	if !errors.Is(err, boom) {
		t.Errorf("subscription returned %v, want the handler's error", err)
	}
	if calls != 1 {
		t.Errorf("handler called %d times after failing, want 1", calls)
	}
}

func testSubscribeCancel(t *testing.T, s eventlog.Store) {
	ctx := testContext(t)
	handle := func(context.Context, []eventlog.Record) error { return nil }

	t.Run("already cancelled", func(t *testing.T) {
		cancelled, cancel := context.WithCancel(ctx)
		cancel()
		if err := s.Subscribe(cancelled, eventlog.Start, handle); !errors.Is(err, context.Canceled) {
			t.Errorf("got %v, want context.Canceled", err)
		}
	})
	t.Run("deadline passed", func(t *testing.T) {
		expired, cancel := context.WithDeadline(ctx, occurredAt)
		defer cancel()
		if err := s.Subscribe(expired, eventlog.Start, handle); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("got %v, want context.DeadlineExceeded", err)
		}
	})
	t.Run("while following", func(t *testing.T) {
		subCtx, cancel := context.WithCancel(ctx)
		defer cancel()
		c := newCollector(t, 1)
		result := subscribe(subCtx, s, eventlog.Start, c.handle)
		mustAppend(t, ctx, s, newStream("sub"), eventlog.NoStream, newEvents(1))
		select {
		case <-c.enough:
		case err := <-result:
			t.Fatalf("subscription ended early: %v", err)
		case <-ctx.Done():
			t.Fatal("the live event never arrived")
		}
		cancel() // the subscription is now waiting for the next commit, or about to
		if err := <-result; !errors.Is(err, context.Canceled) {
			t.Errorf("got %v, want context.Canceled", err)
		}
	})
}
