package sqlite

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/chance-video/chance/eventlog"
)

// openManual opens a store whose writer goroutine is not running, so a test can hand it
// one exact batch; the goroutines start (and the store closes) at cleanup.
func openManual(t *testing.T) *Store {
	t.Helper()
	s, err := open(filepath.Join(t.TempDir(), "events.db"), Options{})
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
	s := openManual(t)
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
		request(t, ctx, "s-3", eventlog.Any, a[1:]),        // id taken by s-1 in this batch
		request(t, cancelled, "s-4", eventlog.NoStream, e), // caller gone: not written
	}
	s.w.process(batch)
	replies := make([]appendReply, len(batch))
	for i, req := range batch {
		replies[i] = <-req.reply
	}

	wantRevision := map[int]uint64{0: 1, 1: 2, 3: 3, 5: 2}
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
	if !errors.Is(replies[6].err, ErrDuplicateEventID) {
		t.Errorf("request 6: %v, want ErrDuplicateEventID", replies[6].err)
	}
	if !errors.Is(replies[7].err, context.Canceled) {
		t.Errorf("request 7: %v, want context.Canceled", replies[7].err)
	}
	if n := s.w.commits.Load(); n != 1 {
		t.Errorf("%d commits, want 1", n)
	}
	all, err := s.ReadAll(ctx, eventlog.Start, 100)
	if err != nil || len(all) != 4 {
		t.Fatalf("log holds %d events (%v), want 4", len(all), err)
	}
	for i, r := range all {
		if r.Position.Commit != uint64(i+1) || r.StreamID != "s-1" || r.Revision != uint64(i) {
			t.Errorf("event %d: %s rev %d at %s", i, r.StreamID, r.Revision, r.Position)
		}
	}
	if head, _ := s.Head(ctx); head.Commit != 4 {
		t.Errorf("head %s, want 4", head)
	}
}

// TestFailedCommitLeavesCacheRight: a batch whose transaction fails answers every request
// with the error, writes nothing, and leaves the revision cache as it was.
func TestFailedCommitLeavesCacheRight(t *testing.T) {
	s := openManual(t)
	ctx := context.Background()
	run := func(reqs ...*appendRequest) []appendReply {
		s.w.process(reqs)
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
