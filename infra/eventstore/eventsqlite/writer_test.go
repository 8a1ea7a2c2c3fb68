package eventsqlite

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/chance-video/chance/eventlog"
	"github.com/chance-video/chance/infra/eventstore/internal/appendlog"
)

// openManual opens a store whose writer goroutine is not running, so a test can hand it
// one exact batch; the goroutines start (and the store closes) at cleanup.
func openManual(t *testing.T, opts Options) *Store {
	t.Helper()
	s, err := open(filepath.Join(t.TempDir(), "events.db"), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		s.start()
		if err := s.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	return s
}

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
	s := openManual(t, Options{})
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
	s.w.process(batch, false)
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
	if head, _ := s.Head(ctx); head.Commit != 5 {
		t.Errorf("head %s, want 5", head)
	}
}

// TestFailedCommitLeavesCacheRight: a batch whose transaction fails answers every request
// with the error, writes nothing, and leaves the revision cache as it was.
func TestFailedCommitLeavesCacheRight(t *testing.T) {
	s := openManual(t, Options{})
	ctx := context.Background()
	run := func(reqs ...*appendRequest) []appendReply {
		s.w.process(reqs, false)
		replies := make([]appendReply, len(reqs))
		for i, req := range reqs {
			replies[i] = <-req.reply
		}
		return replies
	}
	if r := run(request(t, ctx, "f-2", eventlog.NoStream, testEvents(1))); r[0].err != nil {
		t.Fatal(r[0].err)
	}

	disk := errors.New("disk on fire")
	s.w.beforeCommit = func() error { return disk }
	failed := run(
		request(t, ctx, "f-1", eventlog.NoStream, testEvents(1)),
		request(t, ctx, "f-2", eventlog.Exact(0), testEvents(2)),
	)
	for i, r := range failed {
		if !errors.Is(r.err, disk) {
			t.Errorf("request %d in the failed batch: %v, want the commit error", i, r.err)
		}
	}
	s.w.beforeCommit = nil

	ok := run(
		request(t, ctx, "f-1", eventlog.NoStream, testEvents(1)),
		request(t, ctx, "f-2", eventlog.Exact(0), testEvents(1)),
	)
	if ok[0].err != nil || ok[0].result.LastRevision != 0 || ok[0].result.Position.Commit != 2 {
		t.Errorf("f-1 after the failed batch: %+v, want revision 0 at 2", ok[0])
	}
	if ok[1].err != nil || ok[1].result.LastRevision != 1 || ok[1].result.Position.Commit != 3 {
		t.Errorf("f-2 after the failed batch: %+v, want revision 1 at 3", ok[1])
	}
}

// answers collects the replies of requests the writer processed.
func answers(reqs []*appendRequest) []appendReply {
	replies := make([]appendReply, len(reqs))
	for i, req := range reqs {
		replies[i] = <-req.reply
	}
	return replies
}

// TestDrainJoinsQueuedRequests: requests queued while a batch is open join it, up to
// MaxBatchEvents; the rest wait for the next batch.
func TestDrainJoinsQueuedRequests(t *testing.T) {
	s := openManual(t, Options{MaxBatchEvents: 5})
	ctx := context.Background()
	var reqs []*appendRequest
	for i := range 4 {
		reqs = append(reqs, request(t, ctx, fmt.Sprintf("d-%d", i), eventlog.NoStream, testEvents(2)))
	}
	for _, req := range reqs[1:] {
		s.w.requests <- req
	}
	if n := s.w.process([]*appendRequest{reqs[0]}, true); n != 3 {
		t.Fatalf("the batch took %d requests, want 3 (6 events, the cap is 5)", n)
	}
	for i, r := range answers(reqs[:3]) {
		if r.err != nil || r.result.Position.Commit != uint64(2*i+2) {
			t.Errorf("request %d: %+v, want its last event at %d", i, r, 2*i+2)
		}
	}
	if n := s.w.commits.Load(); n != 1 {
		t.Errorf("%d commits, want 1", n)
	}
	if len(s.w.requests) != 1 {
		t.Errorf("%d requests left queued, want 1", len(s.w.requests))
	}
}

// TestBatchChecksSeeUnwrittenRows: checks against a stream appended to earlier in the same
// batch, whose rows may not be inserted yet, see those events — from memory or, past
// the ids kept in memory, from the file after writing them.
func TestBatchChecksSeeUnwrittenRows(t *testing.T) {
	s := openManual(t, Options{})
	ctx := context.Background()
	long, short, fresh := testEvents(appendlog.TailIDs+2), testEvents(2), testEvents(1)
	batch := []*appendRequest{
		request(t, ctx, "u-1", eventlog.NoStream, long),
		request(t, ctx, "u-1", eventlog.Any, long),                                 // a retry longer than the tail kept in memory
		request(t, ctx, "u-2", eventlog.NoStream, short),                           // revisions 0, 1
		request(t, ctx, "u-2", eventlog.Exact(1), append(short[1:], fresh...)),     // repeats the tail: conflict
		request(t, ctx, "u-2", eventlog.StreamExists, short),                       // a retry at the tail
		request(t, ctx, "u-1", eventlog.Exact(uint64(len(long)-1)), testEvents(1)), // goes ahead
	}
	s.w.process(batch, false)
	replies := answers(batch)
	want := []struct {
		err      bool
		revision uint64
	}{{false, appendlog.TailIDs + 1}, {false, appendlog.TailIDs + 1}, {false, 1}, {true, 0}, {false, 1}, {false, appendlog.TailIDs + 2}}
	for i, w := range want {
		r := replies[i]
		switch {
		case w.err && !errors.Is(r.err, eventlog.ErrWrongExpectedRevision):
			t.Errorf("request %d: %v, want a conflict", i, r.err)
		case !w.err && (r.err != nil || r.result.LastRevision != w.revision):
			t.Errorf("request %d: %+v, want revision %d", i, r, w.revision)
		}
	}
	if replies[1].result != replies[0].result || replies[4].result != replies[2].result {
		t.Errorf("retries answered %+v and %+v, first appends %+v and %+v",
			replies[1].result, replies[4].result, replies[0].result, replies[2].result)
	}
	if all, err := s.ReadAll(ctx, eventlog.Start, 100); err != nil || len(all) != len(long)+len(short)+1 {
		t.Errorf("log holds %d events (%v), want %d", len(all), err, len(long)+len(short)+1)
	}
}

// TestAwait: the commit delay returns a request as soon as one is queued, and nil once
// the delay is over; the timer is reused across waits.
func TestAwait(t *testing.T) {
	s := openManual(t, Options{})
	req := request(t, context.Background(), "a-1", eventlog.NoStream, testEvents(1))
	for round := range 2 {
		if got := s.w.await(time.Millisecond); got != nil {
			t.Fatalf("round %d: an empty queue gave a request", round)
		}
		s.w.requests <- req
		if got := s.w.await(time.Hour); got != req {
			t.Fatalf("round %d: got %v, want the queued request", round, got)
		}
	}
	// With the previous batch larger than this one, a lone request still commits.
	s.w.lastBatch = 3
	if n := s.w.process([]*appendRequest{req}, true); n != 1 || s.w.commits.Load() != 1 {
		t.Fatalf("batch of %d, %d commits; want 1 and 1", n, s.w.commits.Load())
	}
	if r := <-req.reply; r.err != nil {
		t.Fatal(r.err)
	}
}

// TestCommitReportsOnlyAcceptedAppends: the group-commit metric counts the appends the
// commit accepted, not those it refused (conflicts, gone callers).
func TestCommitReportsOnlyAcceptedAppends(t *testing.T) {
	var appends, events []int
	s := openManual(t, Options{OnCommit: func(a, e int) { appends, events = append(appends, a), append(events, e) }})
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
	s.w.process(batch, false)
	for _, req := range batch {
		<-req.reply
	}
	if len(appends) != 1 || appends[0] != 2 || events[0] != 3 {
		t.Errorf("commits reported: appends %v, events %v; want one of 2 appends, 3 events", appends, events)
	}
}
