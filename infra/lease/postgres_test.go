package lease_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/chance-video/chance/infra/lease"
	"github.com/chance-video/chance/infra/readstore/readpostgres/pgtest"
)

// events records what each holder was told, in order.
type events struct {
	mu      sync.Mutex
	changed chan struct{}
	seen    []string
}

func newEvents() *events { return &events{changed: make(chan struct{}, 100)} }

func (e *events) hook(who string) lease.OnChange {
	return func(name string, held bool) {
		e.mu.Lock()
		state := " lost"
		if held {
			state = " held"
		}
		e.seen = append(e.seen, who+state)
		e.mu.Unlock()
		e.changed <- struct{}{}
	}
}

func (e *events) has(want string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, s := range e.seen {
		if s == want {
			return true
		}
	}
	return false
}

// await waits for an event within a deadline.
func (e *events) await(t *testing.T, want string) {
	t.Helper()
	deadline := time.After(15 * time.Second)
	for !e.has(want) {
		select {
		case <-e.changed:
		case <-deadline:
			e.mu.Lock()
			defer e.mu.Unlock()
			t.Fatalf("no %q within 15 s; seen %v", want, e.seen)
		}
	}
}

// newLease checks often, with a check timeout generous for a loaded machine (a check
// slower than it would drop the lease by mistake). Its fencing delay is short: the
// work in these tests stops the moment its context ends, and a check finds a
// terminated session at once; TestPostgresLeaseNeverTwoHolders uses the default one.
func newLease(url, ns string, ev *events, who string) *lease.Postgres {
	return &lease.Postgres{URL: url, Namespace: ns, Retry: 50 * time.Millisecond, Check: 50 * time.Millisecond,
		CheckTimeout: 2 * time.Second, Fence: 300 * time.Millisecond, OnChange: ev.hook(who)}
}

// hold runs Hold in the background until the test ends; work reports each run of fn
// and blocks until fn's context ends.
func hold(t *testing.T, l *lease.Postgres, name string) (stop func() error) {
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() {
		done <- l.Hold(ctx, name, func(ctx context.Context) error { <-ctx.Done(); return ctx.Err() })
	}()
	var once sync.Once
	var err error
	stop = func() error {
		once.Do(func() { cancel(); err = <-done })
		return err
	}
	t.Cleanup(func() { _ = stop() })
	return stop
}

// terminateHolder ends the session holding name's lease, as an operator (or a
// network cut noticed by the server) would.
func terminateHolder(t *testing.T, url, name string) {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var n int
	err = conn.QueryRow(t.Context(), `SELECT count(pg_terminate_backend(l.pid)) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
		WHERE l.locktype = 'advisory' AND l.granted AND a.application_name = $1`, lease.ApplicationName(name)).Scan(&n)
	if err != nil || n != 1 {
		t.Fatalf("terminate the holder of %s: %d sessions, %v", name, n, err)
	}
}

// The contract of a lease: one holder at a time, the standby waits, takes over when
// the holder's session ends, and the holder notices the loss (its work is cancelled,
// OnChange says so) and stands by again.
func TestPostgresLease(t *testing.T) {
	t.Parallel()
	url := pgtest.URL(t)
	ns := pgtest.Schema(t, url)
	ev := newEvents()
	a, b := newLease(url, ns, ev, "a"), newLease(url, ns, ev, "b")

	stopA := hold(t, a, "scheduler")
	ev.await(t, "a held")
	stopB := hold(t, b, "scheduler")
	// Another name is another lease: held at once beside the first.
	stopOther := hold(t, b, "forwarder")
	ev.await(t, "b held")
	if err := stopOther(); !errors.Is(err, context.Canceled) {
		t.Fatalf("Hold after its context ended: %v", err)
	}
	ev.await(t, "b lost")

	// The standby keeps trying (every 50 ms) but never gets the held lease.
	standby := time.Now().Add(500 * time.Millisecond)
	for time.Now().Before(standby) {
		select {
		case <-ev.changed:
		case <-time.After(time.Until(standby)):
		}
	}
	ev.mu.Lock()
	seen := append([]string(nil), ev.seen...)
	ev.mu.Unlock()
	if len(seen) != 3 {
		t.Fatalf("while a held the lease: %v, want only a held, b held and lost the other lease", seen)
	}

	// The holder's session ends: the standby takes over, and the old holder notices
	// and stands by.
	terminateHolder(t, url, "scheduler")
	ev.await(t, "a lost")
	ev.await(t, "b held")

	// Releasing by ending the work: a, standing by, takes it back.
	if err := stopB(); !errors.Is(err, context.Canceled) {
		t.Fatalf("b's Hold: %v", err)
	}
	ev.mu.Lock()
	ev.seen = nil
	ev.mu.Unlock()
	ev.await(t, "a held")
	if err := stopA(); !errors.Is(err, context.Canceled) {
		t.Fatalf("a's Hold: %v", err)
	}
}

// When the server ends the holder's session, the standby gets the lock at once but
// the old holder notices only at its next check (up to Check later): the standby
// waits out the fencing delay before it starts, so the two never work at once.
func TestPostgresLeaseNeverTwoHolders(t *testing.T) {
	t.Parallel()
	url := pgtest.URL(t)
	ns := pgtest.Schema(t, url)
	ev := newEvents()
	var active, most atomic.Int32
	started := make(chan string, 4)
	work := func(who string) func(context.Context) error {
		return func(ctx context.Context) error {
			n := active.Add(1)
			for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
			}
			started <- who
			<-ctx.Done()
			active.Add(-1)
			return ctx.Err()
		}
	}
	// The defaults' proportions: the standby tries far more often than the holder
	// checks, so it gets the freed lock long before the holder notices.
	newDefault := func(who string) *lease.Postgres {
		return &lease.Postgres{URL: url, Namespace: ns, Retry: 10 * time.Millisecond, Check: time.Second,
			CheckTimeout: 2 * time.Second, OnChange: ev.hook(who)}
	}
	run := func(who string) {
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan struct{})
		go func() { defer close(done); _ = newDefault(who).Hold(ctx, "overlap", work(who)) }()
		t.Cleanup(func() { cancel(); <-done })
	}
	run("a")
	if who := <-started; who != "a" {
		t.Fatalf("%s started first", who)
	}
	run("b")
	terminateHolder(t, url, "overlap") // a name of its own: the other tests run in parallel
	select {
	case who := <-started:
		if who != "b" {
			t.Fatalf("%s took over, want b", who)
		}
	case <-time.After(20 * time.Second):
		t.Fatalf("the standby did not take over within 20 s: %v", ev.seen)
	}
	if m := most.Load(); m != 1 {
		t.Fatalf("%d holders worked at once", m)
	}
	if !ev.has("a lost") {
		t.Fatalf("b started before a stopped: %v", ev.seen)
	}
}

// Work that ends by itself ends Hold with its error, releasing the lease.
func TestPostgresLeaseWorkEnds(t *testing.T) {
	url := pgtest.URL(t)
	ns := pgtest.Schema(t, url)
	ev := newEvents()
	failed := errors.New("the role failed")
	err := newLease(url, ns, ev, "a").Hold(t.Context(), "recovery", func(context.Context) error { return failed })
	if !errors.Is(err, failed) {
		t.Fatalf("Hold = %v, want the work's error", err)
	}
	stop := hold(t, newLease(url, ns, ev, "b"), "recovery")
	ev.await(t, "b held")
	_ = stop()
}

// The embedded lease is always held.
func TestLocalLease(t *testing.T) {
	ev := newEvents()
	ran := false
	err := lease.Local{OnChange: ev.hook("local")}.Hold(t.Context(), "scheduler", func(context.Context) error { ran = true; return nil })
	if err != nil || !ran || !ev.has("local held") || !ev.has("local lost") {
		t.Fatalf("Local.Hold: %v, ran %v, seen %v", err, ran, ev.seen)
	}
}
