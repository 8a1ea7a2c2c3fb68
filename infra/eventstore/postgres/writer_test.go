package postgres

import (
	"context"
	"errors"
	"testing"

	"github.com/chance-video/chance/eventlog"
)

func request(t *testing.T, ctx context.Context, stream string, exp eventlog.Expected, events []eventlog.EventData) *appendRequest {
	t.Helper()
	req, err := newAppendRequest(ctx, stream, exp, events)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

// TestBatchRequestsSeeEachOther: one group commit, where requests to the same stream see
// the earlier ones, and refused requests do not affect the others.
func TestBatchRequestsSeeEachOther(t *testing.T) {
	url, schema := newLog(t)
	s := openIn(t, url, schema)
	ctx := context.Background()
	a, b, c, d, e := testEvents(2), testEvents(1), testEvents(1), testEvents(1), testEvents(1)
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	batch := []*appendRequest{
		request(t, ctx, "s-1", eventlog.NoStream, a),       // revisions 0, 1
		request(t, ctx, "s-1", eventlog.Exact(1), b),       // 2
		request(t, ctx, "s-1", eventlog.NoStream, c),       // conflict, stream at 2
		request(t, ctx, "s-1", eventlog.Exact(2), d),       // 3
		request(t, ctx, "s-2", eventlog.Exact(0), e),       // conflict, no stream
		request(t, ctx, "s-1", eventlog.Exact(1), b),       // retry of b in the same batch
		request(t, ctx, "s-3", eventlog.Any, a[1:]),        // an id of s-1: ids are unique per stream
		request(t, cancelled, "s-4", eventlog.NoStream, e), // caller gone: not written
	}
	// The writer goroutine has not run a batch yet and gets no request: this goroutine
	// may drive it.
	s.w.process(batch)
	replies := make([]appendReply, len(batch))
	for i, req := range batch {
		replies[i] = <-req.reply
	}

	wantRevision := map[int]uint64{0: 1, 1: 2, 3: 3, 5: 2, 6: 0}
	for i, rev := range wantRevision {
		if replies[i].err != nil || replies[i].result.LastRevision != rev {
			t.Errorf("request %d: %+v, want revision %d", i, replies[i], rev)
		}
	}
	if replies[5].result != replies[1].result {
		t.Errorf("retry answered %+v, first %+v", replies[5].result, replies[1].result)
	}
	var wrong *eventlog.WrongExpectedRevisionError
	if !errors.As(replies[2].err, &wrong) || !wrong.ActualExists || wrong.Actual != 2 {
		t.Errorf("request 2: %v, want a conflict at revision 2", replies[2].err)
	}
	if !errors.As(replies[4].err, &wrong) || wrong.ActualExists {
		t.Errorf("request 4: %v, want a conflict on a missing stream", replies[4].err)
	}
	if !errors.Is(replies[7].err, context.Canceled) {
		t.Errorf("request 7: %v, want context.Canceled", replies[7].err)
	}
	if n := s.w.commits.Load(); n != 1 {
		t.Errorf("%d commits, want 1", n)
	}
	all, err := s.ReadAll(ctx, eventlog.Start, 100)
	if err != nil || len(all) != 5 {
		t.Fatalf("log holds %d events (%v), want 5", len(all), err)
	}
	for i, r := range all[:4] {
		if r.Position.Commit != uint64(i+1) || r.StreamID != "s-1" || r.Revision != uint64(i) {
			t.Errorf("event %d: %s rev %d at %s", i, r.StreamID, r.Revision, r.Position)
		}
	}
	if r := all[4]; r.StreamID != "s-3" || r.Revision != 0 || r.ID != a[1].ID {
		t.Errorf("event 4: %s rev %d id %s, want s-3 rev 0 id %s", r.StreamID, r.Revision, r.ID, a[1].ID)
	}
	if replies[6].result.Position.Commit != 5 || replies[3].result.Position.Commit != 4 {
		t.Errorf("replies say positions %s and %s, want 4 and 5", replies[3].result.Position, replies[6].result.Position)
	}
	if head, _ := s.Head(ctx); head.Commit != 5 {
		t.Errorf("head %s, want 5", head)
	}
}

// TestDurabilitySetting: the writer's commits wait for the WAL flush whatever the
// server's default, and its transactions cannot hold the head lock for long.
func TestDurabilitySetting(t *testing.T) {
	url, schema := newLog(t)
	s := openIn(t, url, schema)
	var sync string
	if err := s.writePool.QueryRow(context.Background(), `SHOW synchronous_commit`).Scan(&sync); err != nil {
		t.Fatal(err)
	}
	if sync != "on" {
		t.Errorf("the writer has synchronous_commit %s, want on", sync)
	}
	// A writer that freezes holding the head lock loses it within seconds.
	var idle string
	if err := s.writePool.QueryRow(context.Background(), `SHOW idle_in_transaction_session_timeout`).Scan(&idle); err != nil {
		t.Fatal(err)
	}
	if idle != "10s" {
		t.Errorf("the writer has idle_in_transaction_session_timeout %s, want 10s", idle)
	}
}

// TestReopenKeepsEventsAndRevisions: a store opened again on the log carries on where
// it was.
func TestReopenKeepsEventsAndRevisions(t *testing.T) {
	url, schema := newLog(t)
	ctx := context.Background()
	first, err := Open(ctx, url, WithSchema(schema))
	if err != nil {
		t.Fatal(err)
	}
	mustAppend(t, first, "r-1", eventlog.NoStream, testEvents(3))
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := first.Append(ctx, "r-1", eventlog.Any, testEvents(1)); !errors.Is(err, ErrClosed) {
		t.Errorf("append after close: %v, want ErrClosed", err)
	}
	again := openIn(t, url, schema)
	res := mustAppend(t, again, "r-1", eventlog.Exact(2), testEvents(1))
	if res.LastRevision != 3 || res.Position.Commit != 4 {
		t.Fatalf("append after reopening: %+v, want revision 3 at 4", res)
	}
}

// TestCloseEndsSubscriptions: Close ends a caught-up subscription with ErrClosed.
func TestCloseEndsSubscriptions(t *testing.T) {
	url, schema := newLog(t)
	s, err := Open(context.Background(), url, WithSchema(schema))
	if err != nil {
		t.Fatal(err)
	}
	mustAppend(t, s, "c-1", eventlog.NoStream, testEvents(1))
	delivered := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- s.Subscribe(t.Context(), eventlog.Start, func(context.Context, []eventlog.Record) error {
			close(delivered)
			return nil
		})
	}()
	<-delivered
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := <-done; !errors.Is(err, ErrClosed) {
		t.Fatalf("subscription ended with %v, want ErrClosed", err)
	}
}

// TestCommitReportsOnlyAcceptedAppends: the group-commit metric counts the appends the
// commit accepted, not those it refused (conflicts, gone callers).
func TestCommitReportsOnlyAcceptedAppends(t *testing.T) {
	url, schema := newLog(t)
	s := openIn(t, url, schema)
	var appends, events []int
	s.w.onCommit = func(a, e int) { appends, events = append(appends, a), append(events, e) }
	ctx := context.Background()
	a, b, c := testEvents(2), testEvents(1), testEvents(1)
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	batch := []*appendRequest{
		request(t, ctx, "s-1", eventlog.NoStream, a),       // written: 2 events
		request(t, ctx, "s-1", eventlog.NoStream, b),       // conflict
		request(t, ctx, "s-2", eventlog.Exact(4), c),       // conflict
		request(t, ctx, "s-3", eventlog.NoStream, b),       // written: 1 event
		request(t, cancelled, "s-4", eventlog.NoStream, c), // caller gone
	}
	s.w.process(batch) // the writer goroutine has had no request: this one may drive it
	for _, req := range batch {
		<-req.reply
	}
	if len(appends) != 1 || appends[0] != 2 || events[0] != 3 {
		t.Errorf("commits reported: appends %v, events %v; want one of 2 appends, 3 events", appends, events)
	}
}
