package esdb

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
	mu      sync.Mutex
	got     []eventlog.Record
	want    int
	enough  chan struct{}
	onBatch func(n int) // called after each batch with the number of events so far
}

func newCollector(want int) *collector {
	return &collector{want: want, enough: make(chan struct{})}
}

func (c *collector) handle(_ context.Context, batch []eventlog.Record) error {
	c.mu.Lock()
	before := len(c.got)
	c.got = append(c.got, batch...)
	n := len(c.got)
	c.mu.Unlock()
	if before < c.want && n >= c.want {
		close(c.enough)
	}
	if c.onBatch != nil {
		c.onBatch(n)
	}
	return nil
}

func (c *collector) records() []eventlog.Record {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]eventlog.Record(nil), c.got...)
}

// subscribe runs s.Subscribe until the test ends and checks that it then returned
// context.Canceled.
func subscribe(t *testing.T, s *Store, handle func(context.Context, []eventlog.Record) error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Subscribe(ctx, eventlog.Start, handle) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Errorf("subscription ended with %v, want context.Canceled", err)
		}
	})
}

// await waits for the collector, or fails the test at the deadline.
func await(t *testing.T, ctx context.Context, c *collector) {
	t.Helper()
	select {
	case <-c.enough:
	case <-ctx.Done():
		t.Fatalf("subscription delivered %d of %d events", len(c.records()), c.want)
	}
}

// checkExactlyOnce: the subscription delivered exactly the log, in order.
func checkExactlyOnce(t *testing.T, got, log []eventlog.Record) {
	t.Helper()
	if len(got) != len(log) {
		t.Fatalf("delivered %d events, the log holds %d", len(got), len(log))
	}
	for i := range log {
		if got[i].ID != log[i].ID || got[i].Position != log[i].Position {
			t.Fatalf("event %d: delivered %s at %s, the log has %s at %s", i, got[i].ID, got[i].Position, log[i].ID, log[i].Position)
		}
	}
}

// appendMany appends n times 1–3 events (eventsIn(n) in all) to a few streams.
func appendMany(t *testing.T, ctx context.Context, s *Store, prefix string, n int) {
	t.Helper()
	for i := range n {
		mustAppend(t, ctx, s, fmt.Sprintf("%s-%d", prefix, i%4), eventlog.Any, testEvents(1+i%3))
	}
}

func eventsIn(appends int) int {
	total := 0
	for i := range appends {
		total += 1 + i%3
	}
	return total
}

// TestSubscribeResubscribesAfterEveryDrop: the server cuts every subscription after 7
// events, during catch-up and live; each time the adapter subscribes again from the last
// delivered position, and every event arrives once, in order.
func TestSubscribeResubscribesAfterEveryDrop(t *testing.T) {
	ctx := testContext(t)
	fake := startFake(t)
	fake.DropSubscriptionsAfter(7)
	s := openStore(t, fake.URL())

	appendMany(t, ctx, s, "before", 40)
	c := newCollector(3 * eventsIn(40)) // and two live writers with as many
	subscribe(t, s, c.handle)
	var wg sync.WaitGroup
	for w := range 2 {
		wg.Go(func() { appendMany(t, ctx, s, fmt.Sprintf("live%d", w), 40) })
	}
	wg.Wait()
	await(t, ctx, c)

	checkExactlyOnce(t, c.records(), readEverything(t, ctx, s))
	if n := fake.Subscriptions(); n < c.want/7 {
		t.Errorf("%d subscriptions for %d events cut every 7: the drops were not exercised", n, c.want)
	}
}

// TestSubscribeResubscribesWhenDroppedMidway: a subscription cut during its catch-up,
// then again while it waits for new events, resumes each time without a gap or a repeat.
func TestSubscribeResubscribesWhenDroppedMidway(t *testing.T) {
	ctx := testContext(t)
	fake := startFake(t)
	s := openStore(t, fake.URL())
	appendMany(t, ctx, s, "before", 300)
	stored := eventsIn(300)

	c := newCollector(stored + eventsIn(5))
	firstBatch := make(chan struct{})
	var once sync.Once
	c.onBatch = func(n int) {
		if n < stored {
			once.Do(func() { fake.DropSubscriptions(); close(firstBatch) }) // mid catch-up
		}
	}
	subscribe(t, s, c.handle)
	select {
	case <-firstBatch:
	case <-ctx.Done():
		t.Fatal("no first batch")
	}
	if err := fake.WaitSubscriptions(ctx, 2); err != nil {
		t.Fatal(err)
	}
	fake.DropSubscriptions() // the second one, once caught up or still catching up
	if err := fake.WaitSubscriptions(ctx, 3); err != nil {
		t.Fatal(err)
	}
	appendMany(t, ctx, s, "after", 5)
	await(t, ctx, c)
	checkExactlyOnce(t, c.records(), readEverything(t, ctx, s))
}

// TestSubscribeSurvivesServerRestart: the server goes away long enough for the client to
// give up discovery and close itself; the adapter replaces the client and the
// subscription carries on when the server is back.
func TestSubscribeSurvivesServerRestart(t *testing.T) {
	ctx := testContext(t)
	fake := startFake(t)
	s := openStore(t, fake.URL()+"&maxDiscoverAttempts=1&discoveryInterval=1")
	renewed := make(chan struct{}, 1)
	s.conn.renewed = func() {
		select {
		case renewed <- struct{}{}:
		default:
		}
	}
	mustAppend(t, ctx, s, "restart-1", eventlog.NoStream, testEvents(2))
	c := newCollector(4)
	first := make(chan struct{})
	var once sync.Once
	c.onBatch = func(int) { once.Do(func() { close(first) }) }
	subscribe(t, s, c.handle)
	select {
	case <-first:
	case <-ctx.Done():
		t.Fatal("no first batch")
	}

	fake.Stop()
	select {
	case <-renewed: // the subscription's retries met a client that had closed itself
	case <-ctx.Done():
		t.Fatal("the client was never replaced")
	}
	if err := fake.Restart(); err != nil {
		t.Fatal(err)
	}
	mustAppend(t, ctx, s, "restart-2", eventlog.NoStream, testEvents(2))
	await(t, ctx, c)
	checkExactlyOnce(t, c.records(), readEverything(t, ctx, s))
}

// TestSubscribeEndsWhenStoreCloses: Close ends a running subscription with ErrClosed.
func TestSubscribeEndsWhenStoreCloses(t *testing.T) {
	ctx := testContext(t)
	fake := startFake(t)
	s := openStore(t, fake.URL())
	done := make(chan error, 1)
	go func() {
		done <- s.Subscribe(ctx, eventlog.Start, func(context.Context, []eventlog.Record) error { return nil })
	}()
	if err := fake.WaitSubscriptions(ctx, 1); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if !errors.Is(err, ErrClosed) {
			t.Errorf("subscription ended with %v, want ErrClosed", err)
		}
	case <-ctx.Done():
		t.Fatal("the subscription outlived the store")
	}
}
