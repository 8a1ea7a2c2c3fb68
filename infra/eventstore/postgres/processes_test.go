package postgres

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/chance-video/chance/eventlog"
)

// Several stores on one schema stand for several processes sharing the log: each has its
// own pools, writer, revision cache and LISTEN connection.

// TestSameRevisionAcrossProcesses: two processes append to one stream at the same
// expected revision, round after round: exactly one wins each round, the other gets a
// conflict that names the stream's real revision, and the stream has no gap or duplicate.
func TestSameRevisionAcrossProcesses(t *testing.T) {
	const rounds = 60
	url, schema := newLog(t)
	stores := []*Store{openIn(t, url, schema), openIn(t, url, schema)}
	ctx := context.Background()
	exp := eventlog.NoStream
	for round := range rounds {
		var (
			wg      sync.WaitGroup
			start   = make(chan struct{})
			results [2]eventlog.AppendResult
			errs    [2]error
		)
		for i, s := range stores {
			wg.Go(func() {
				<-start
				results[i], errs[i] = s.Append(ctx, "shared", exp, testEvents(1))
			})
		}
		close(start)
		wg.Wait()
		won := -1
		for i := range stores {
			var wrong *eventlog.WrongExpectedRevisionError
			switch {
			case errs[i] == nil:
				if won >= 0 {
					t.Fatalf("round %d: both processes appended at %s", round, exp)
				}
				won = i
			case errors.As(errs[i], &wrong):
				if !wrong.ActualExists || wrong.Actual != uint64(round) {
					t.Fatalf("round %d: conflict %+v, want the stream at revision %d", round, *wrong, round)
				}
			default:
				t.Fatalf("round %d: process %d: %v", round, i, errs[i])
			}
		}
		if won < 0 {
			t.Fatalf("round %d: neither process appended", round)
		}
		if results[won].LastRevision != uint64(round) {
			t.Fatalf("round %d: appended at revision %d", round, results[won].LastRevision)
		}
		exp = results[won].NextExpected
	}
	records, err := stores[0].ReadStream(ctx, "shared", 0)
	if err != nil || len(records) != rounds {
		t.Fatalf("stream holds %d events (%v), want %d", len(records), err, rounds)
	}
	for i, r := range records {
		if r.Revision != uint64(i) || r.Position.Commit != uint64(i+1) {
			t.Fatalf("record %d: revision %d at %s", i, r.Revision, r.Position)
		}
	}
}

// TestRetryFromAnotherProcess: a retried append is recognised by a process other than
// the one that made it — one that never saw the stream, and one whose cache is behind —
// and answers the first outcome without writing.
func TestRetryFromAnotherProcess(t *testing.T) {
	url, schema := newLog(t)
	a, b := openIn(t, url, schema), openIn(t, url, schema)
	ctx := context.Background()
	retried := func(s *Store, stream string, exp eventlog.Expected, events []eventlog.EventData, first eventlog.AppendResult) {
		t.Helper()
		again, err := s.Append(ctx, stream, exp, events)
		if err != nil || again != first {
			t.Fatalf("retry on %s at %s: %+v (%v), first append %+v", stream, exp, again, err, first)
		}
	}

	// b has never seen the stream.
	created := testEvents(2)
	first := mustAppend(t, a, "new", eventlog.NoStream, created)
	retried(b, "new", eventlog.NoStream, created, first)

	// b's cache says the stream is at revision 0; a appended since.
	mustAppend(t, b, "cached", eventlog.NoStream, testEvents(1))
	moved := testEvents(2)
	first = mustAppend(t, a, "cached", eventlog.Exact(0), moved)
	retried(b, "cached", eventlog.Exact(0), moved, first)

	// Under Any, while they are the stream's last events.
	mustAppend(t, b, "any", eventlog.NoStream, testEvents(1))
	tail := testEvents(1)
	first = mustAppend(t, a, "any", eventlog.Any, tail)
	retried(b, "any", eventlog.Any, tail, first)

	for stream, want := range map[string]int{"new": 2, "cached": 3, "any": 2} {
		records, err := a.ReadStream(ctx, stream, 0)
		if err != nil || len(records) != want {
			t.Errorf("%s holds %d events (%v), want %d", stream, len(records), err, want)
		}
	}
	if head, err := b.Head(ctx); err != nil || head.Commit != 7 {
		t.Errorf("head %s (%v), want 7", head, err)
	}
}

// TestStaleCacheAcrossProcesses: a process whose cached revision is behind gets a
// conflict naming the real revision, then appends after the other process's events.
func TestStaleCacheAcrossProcesses(t *testing.T) {
	url, schema := newLog(t)
	server, other := openIn(t, url, schema), openIn(t, url, schema)
	ctx := context.Background()
	mustAppend(t, server, "s-1", eventlog.NoStream, testEvents(2))
	mustAppend(t, other, "s-2", eventlog.NoStream, testEvents(3))
	mustAppend(t, other, "s-1", eventlog.Exact(1), testEvents(1)) // a stream the server has cached

	_, err := server.Append(ctx, "s-1", eventlog.Exact(1), testEvents(1))
	var wrong *eventlog.WrongExpectedRevisionError
	if !errors.As(err, &wrong) || !wrong.ActualExists || wrong.Actual != 2 {
		t.Fatalf("append at a stale revision: %v, want a conflict at revision 2", err)
	}
	res := mustAppend(t, server, "s-1", eventlog.Exact(2), testEvents(1))
	if res.Position.Commit != 7 || res.LastRevision != 3 {
		t.Fatalf("append after the other process's: %+v, want revision 3 at 7", res)
	}
	// The usual case in a fleet: a command handler read the stream from the database and
	// appends at its real revision, which this process's cache is behind.
	mustAppend(t, other, "s-1", eventlog.Exact(3), testEvents(1))
	if res := mustAppend(t, server, "s-1", eventlog.Exact(4), testEvents(1)); res.LastRevision != 5 || res.Position.Commit != 9 {
		t.Fatalf("append at the real revision past a stale cache: %+v, want revision 5 at 9", res)
	}
	// A stream the other process did not touch stays cached: no conflict, no reload needed.
	if res := mustAppend(t, other, "s-2", eventlog.Exact(2), testEvents(1)); res.Position.Commit != 10 {
		t.Fatalf("append to s-2: %+v, want position 10", res)
	}
}

// TestSubscriptionFollowsAnotherProcess: a subscription wakes on the NOTIFY of another
// process's commit (its fallback poll is an hour, so nothing else can wake it), and again
// after its LISTEN connection was killed and came back.
func TestSubscriptionFollowsAnotherProcess(t *testing.T) {
	url, schema := newLog(t)
	reader := openIn(t, url, schema, WithPollInterval(time.Hour))
	writer := openIn(t, url, schema)
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()

	next, done := follow(t, ctx, reader)

	waitListening(t, ctx, reader.listen, 1)
	next(mustAppend(t, writer, "w-1", eventlog.NoStream, testEvents(1)))

	// Kill the LISTEN connection; the listener connects again.
	admin, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(context.Background())
	var killed bool
	if err := admin.QueryRow(ctx, `SELECT pg_terminate_backend($1)`, reader.listen.pid.Load()).Scan(&killed); err != nil || !killed {
		t.Fatalf("terminate the listener's backend: %v %v", killed, err)
	}
	waitListening(t, ctx, reader.listen, 2)
	next(mustAppend(t, writer, "w-1", eventlog.Exact(0), testEvents(1)))
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("subscription ended with %v", err)
	}
}

// waitListening waits until the listener has issued n LISTENs.
func waitListening(t *testing.T, ctx context.Context, l *listener, n uint64) {
	t.Helper()
	for {
		signalled := l.listened.wait()
		if l.listening.Load() >= n {
			return
		}
		select {
		case <-signalled:
		case <-ctx.Done():
			t.Fatalf("listener issued %d LISTENs, want %d", l.listening.Load(), n)
		}
	}
}

// TestConcurrentOpenMigratesOnce: processes starting at once on a new schema migrate it
// once (the advisory lock), and share one head.
func TestConcurrentOpenMigratesOnce(t *testing.T) {
	url, schema := newLog(t)
	var wg sync.WaitGroup
	stores := make([]*Store, 4)
	errs := make([]error, len(stores))
	for i := range stores {
		wg.Go(func() { stores[i], errs[i] = Open(context.Background(), url, WithSchema(schema)) })
	}
	wg.Wait()
	for i, s := range stores {
		if errs[i] != nil {
			t.Fatalf("open %d: %v", i, errs[i])
		}
		t.Cleanup(func() { s.Close() })
	}
	for i, s := range stores {
		mustAppend(t, s, fmt.Sprintf("m-%d", i), eventlog.NoStream, testEvents(1))
	}
	var migrations, heads int
	err := stores[0].readPool.QueryRow(context.Background(), fmt.Sprintf(
		`SELECT (SELECT count(*) FROM %[1]s.schema_migrations), (SELECT count(*) FROM %[1]s.log_head)`, quote(schema))).Scan(&migrations, &heads)
	known, _ := loadMigrations(migrationFiles)
	if err != nil || migrations != len(known) || heads != 1 {
		t.Fatalf("%d migrations recorded, %d head rows (%v); want %d and 1", migrations, heads, err, len(known))
	}
	if head, err := stores[3].Head(context.Background()); err != nil || head.Commit != 4 {
		t.Fatalf("head %s (%v), want 4", head, err)
	}
}

// TestOpenRefusesBadConfig: a bad schema name or URL fails Open with a clear error.
func TestOpenRefusesBadConfig(t *testing.T) {
	url := newLogURL(t)
	for _, tc := range []struct {
		name, url string
		opts      []Option
	}{
		{"schema with a capital", url, []Option{WithSchema("Events")}},
		{"schema too long", url, []Option{WithSchema("s" + fmt.Sprintf("%060d", 0))}},
		{"bad url", "postgres://%zz", nil},
		{"no poll interval", url, []Option{WithPollInterval(0)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if s, err := Open(context.Background(), tc.url, tc.opts...); err == nil {
				s.Close()
				t.Fatal("Open succeeded")
			}
		})
	}
}

func newLogURL(t *testing.T) string {
	url, _ := newLog(t)
	return url
}

// TestRewoundLogRefusesAppends: a log whose head went back under a running store (a
// restore) is not appended to: new events would take positions subscribers have seen.
func TestRewoundLogRefusesAppends(t *testing.T) {
	url, schema := newLog(t)
	s := openIn(t, url, schema)
	ctx := context.Background()
	mustAppend(t, s, "r-1", eventlog.NoStream, testEvents(3))
	if _, err := s.writePool.Exec(ctx, fmt.Sprintf(`DELETE FROM %[1]s.events WHERE position > 1; UPDATE %[1]s.log_head SET position = 1`, quote(schema))); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Append(ctx, "r-2", eventlog.NoStream, testEvents(1)); !errors.Is(err, ErrLogRewound) {
		t.Fatalf("append to a rewound log: %v, want ErrLogRewound", err)
	}
}

// TestSubscriptionRidesOutLostConnections: the database cuts every connection a
// subscription reads on (as a restart does); the subscription reads again on new ones
// instead of ending, and the follower behind it never notices.
func TestSubscriptionRidesOutLostConnections(t *testing.T) {
	url, schema := newLog(t)
	reader := openIn(t, url, schema)
	writer := openIn(t, url, schema)
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	next, done := follow(t, ctx, reader)
	next(mustAppend(t, writer, "r-1", eventlog.NoStream, testEvents(1)))

	admin, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(context.Background())
	idle := reader.readPool.AcquireAllIdle(ctx)
	pids := make([]uint32, 0, len(idle))
	for _, c := range idle {
		pids = append(pids, c.Conn().PgConn().PID())
		c.Release()
	}
	if len(pids) == 0 {
		t.Fatal("no read connection to cut")
	}
	for _, pid := range pids {
		if _, err := admin.Exec(ctx, `SELECT pg_terminate_backend($1)`, pid); err != nil {
			t.Fatal(err)
		}
	}
	next(mustAppend(t, writer, "r-1", eventlog.Exact(0), testEvents(1)))
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("subscription ended with %v", err)
	}
}

// follow subscribes to reader from the start; next waits for the next event delivered
// and checks it is the one appended as want; done gives the subscription's end.
func follow(t *testing.T, ctx context.Context, reader *Store) (next func(want eventlog.AppendResult), done <-chan error) {
	t.Helper()
	got := make(chan eventlog.Record, 16)
	ended := make(chan error, 1)
	go func() {
		ended <- reader.Subscribe(ctx, eventlog.Start, func(_ context.Context, batch []eventlog.Record) error {
			for _, r := range batch {
				got <- r
			}
			return nil
		})
	}()
	return func(want eventlog.AppendResult) {
		t.Helper()
		select {
		case r := <-got:
			if r.Position != want.Position {
				t.Fatalf("delivered %s, want %s", r.Position, want.Position)
			}
		case err := <-ended:
			t.Fatalf("subscription ended: %v", err)
		case <-ctx.Done():
			t.Fatalf("event at %s not delivered", want.Position)
		}
	}, ended
}
