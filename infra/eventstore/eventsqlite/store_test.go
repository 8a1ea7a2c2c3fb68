package eventsqlite

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/eventlog"
	"github.com/chance-video/chance/infra/eventstore/eventstoretest"
	"github.com/chance-video/chance/infra/eventstore/internal/appendlog"
)

func TestContract(t *testing.T) {
	eventstoretest.Run(t, func(t *testing.T) eventlog.Store { return openTemp(t) })
}

// openTemp opens a store in a fresh file that is closed when the test ends.
func openTemp(t testing.TB) *Store {
	t.Helper()
	s, err := Open(filepath.Join(t.TempDir(), "events.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	return s
}

// testEvents returns n events with fresh ids.
func testEvents(n int) []eventlog.EventData {
	events := make([]eventlog.EventData, n)
	for i := range events {
		events[i] = eventlog.EventData{
			ID:       uuid.New(),
			Type:     "test.happened.v1",
			Data:     json.RawMessage(fmt.Sprintf(`{"n":%d}`, i)),
			Metadata: eventlog.Metadata{CorrelationID: "c", OccurredAt: time.Unix(1_700_000_000, int64(i))},
		}
	}
	return events
}

func mustAppend(t testing.TB, s *Store, stream string, exp eventlog.Expected, events []eventlog.EventData) eventlog.AppendResult {
	t.Helper()
	res, err := s.Append(context.Background(), stream, exp, events)
	if err != nil {
		t.Fatalf("append to %s at %s: %v", stream, exp, err)
	}
	return res
}

func TestDurabilitySettings(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	var mode string
	var sync int
	if err := s.w.conn.QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&mode); err != nil {
		t.Fatal(err)
	}
	if err := s.w.conn.QueryRowContext(ctx, `PRAGMA synchronous`).Scan(&sync); err != nil {
		t.Fatal(err)
	}
	if mode != "wal" || sync != 2 {
		t.Errorf("writer has journal_mode %s synchronous %d, want wal and 2 (FULL)", mode, sync)
	}
}

func TestReopenKeepsEventsAndRevisions(t *testing.T) {
	path := filepath.Join(t.TempDir(), "events.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]eventlog.EventData{}
	type appendedLast struct {
		events []eventlog.EventData
		res    eventlog.AppendResult
	}
	lastAppend := map[string]appendedLast{}
	for i := range 9 {
		stream := fmt.Sprintf("reopen-%d", i%3)
		events := testEvents(1 + i%5)
		res := mustAppend(t, s, stream, eventlog.Any, events)
		want[stream] = append(want[stream], events...)
		lastAppend[stream] = appendedLast{events, res}
	}
	head, _ := s.Head(context.Background())
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s, err = Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	if got, _ := s.Head(ctx); got != head {
		t.Fatalf("head after reopen %s, want %s", got, head)
	}
	for stream, events := range want {
		got, err := s.ReadStream(ctx, stream, 0)
		if err != nil || len(got) != len(events) {
			t.Fatalf("%s after reopen: %d events, %v; want %d", stream, len(got), err, len(events))
		}
		for i := range got {
			if got[i].ID != events[i].ID || got[i].Revision != uint64(i) {
				t.Errorf("%s[%d] = %s rev %d, want %s", stream, i, got[i].ID, got[i].Revision, events[i].ID)
			}
		}
		// The revision cache starts empty and must learn each stream, and its last ids,
		// from the file.
		if l := lastAppend[stream]; mustAppend(t, s, stream, eventlog.Any, l.events) != l.res {
			t.Errorf("%s: retry of the last append under Any after reopen is not idempotent", stream)
		}
		last := uint64(len(events) - 1)
		_, err = s.Append(ctx, stream, eventlog.Exact(last-1), testEvents(1))
		var wrong *eventlog.WrongExpectedRevisionError
		if !errors.As(err, &wrong) || !wrong.ActualExists || wrong.Actual != last {
			t.Errorf("%s stale append after reopen: %v, want a conflict at %d", stream, err, last)
		}
		res := mustAppend(t, s, stream, eventlog.Exact(last), testEvents(1))
		if res.LastRevision != last+1 || !head.Less(res.Position) {
			t.Errorf("%s append after reopen: %+v, want revision %d after %s", stream, res, last+1, head)
		}
		// An idempotent retry of an append made before the reopen.
		retry := mustAppend(t, s, stream, eventlog.NoStream, events[:1])
		if retry.LastRevision != 0 {
			t.Errorf("%s retry after reopen: %+v, want revision 0", stream, retry)
		}
	}
	if _, err := s.Append(ctx, "reopen-new", eventlog.NoStream, testEvents(1)); err != nil {
		t.Errorf("new stream after reopen: %v", err)
	}
}

// TestLargeAppend covers appends split over several INSERTs, and idempotency checks too
// long for the ids the writer keeps in memory (they read the stream instead).
func TestLargeAppend(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	events := testEvents(3*maxRowsPerInsert + 5)
	res := mustAppend(t, s, "big-1", eventlog.NoStream, events)
	if res.LastRevision != uint64(len(events)-1) {
		t.Fatalf("last revision %d, want %d", res.LastRevision, len(events)-1)
	}
	for _, exp := range []eventlog.Expected{eventlog.NoStream, eventlog.Any, eventlog.StreamExists} {
		if again := mustAppend(t, s, "big-1", exp, events); again != res {
			t.Errorf("retry at %s: %+v, want %+v", exp, again, res)
		}
	}
	mixed := append(testEvents(2*maxRowsPerInsert), events[len(events)-appendlog.TailIDs-1])
	_, err := s.Append(ctx, "big-1", eventlog.Any, mixed)
	if !errors.Is(err, eventlog.ErrWrongExpectedRevision) {
		t.Fatalf("append ending with a stored id: %v, want a conflict", err)
	}
	if head, _ := s.Head(ctx); head != res.Position {
		t.Errorf("head moved to %s, want %s", head, res.Position)
	}
	if all, _ := s.ReadAll(ctx, eventlog.Start, 10_000); len(all) != len(events) {
		t.Errorf("log holds %d events, want %d", len(all), len(events))
	}
	next := mustAppend(t, s, "big-1", eventlog.Any, testEvents(1))
	if next.Position.Commit != res.Position.Commit+1 {
		t.Errorf("next append at %s, want %d", next.Position, res.Position.Commit+1)
	}
}

func TestRevisionCacheEviction(t *testing.T) {
	s, err := OpenWith(filepath.Join(t.TempDir(), "events.db"), Options{CachedStreams: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for round := range 3 {
		for i := range 7 {
			stream := fmt.Sprintf("evict-%d", i)
			exp := eventlog.NoStream
			if round > 0 {
				exp = eventlog.Exact(uint64(round - 1))
			}
			if res := mustAppend(t, s, stream, exp, testEvents(1)); res.LastRevision != uint64(round) {
				t.Fatalf("%s round %d: revision %d", stream, round, res.LastRevision)
			}
		}
	}
	if n := s.w.cache.Len(); n > 2 {
		t.Errorf("cache holds %d streams, limit 2", n)
	}
}

func TestClose(t *testing.T) {
	s, err := Open(filepath.Join(t.TempDir(), "events.db"))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	mustAppend(t, s, "close-1", eventlog.NoStream, testEvents(1))

	following := make(chan struct{})
	result := make(chan error, 1)
	go func() {
		result <- s.Subscribe(ctx, eventlog.Start, func(context.Context, []eventlog.Record) error {
			close(following) // caught up: the subscription now waits for commits
			return nil
		})
	}()
	<-following
	if err := s.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
	if err := <-result; !errors.Is(err, ErrClosed) {
		t.Errorf("subscription on close: %v, want ErrClosed", err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second close: %v", err)
	}
	if _, err := s.Append(ctx, "close-1", eventlog.Any, testEvents(1)); !errors.Is(err, ErrClosed) {
		t.Errorf("append after close: %v", err)
	}
	if _, err := s.ReadStream(ctx, "close-1", 0); !errors.Is(err, ErrClosed) {
		t.Errorf("read stream after close: %v", err)
	}
	if _, err := s.ReadAll(ctx, eventlog.Start, 1); !errors.Is(err, ErrClosed) {
		t.Errorf("read all after close: %v", err)
	}
	if _, err := s.Head(ctx); !errors.Is(err, ErrClosed) {
		t.Errorf("head after close: %v", err)
	}
}

func TestOpenRejects(t *testing.T) {
	for _, path := range []string{"", ":memory:", "file:x.db", "a?b.db"} {
		if s, err := Open(path); err == nil {
			s.Close()
			t.Errorf("Open(%q) succeeded", path)
		}
	}
	if _, err := OpenWith(filepath.Join(t.TempDir(), "e.db"), Options{ReadConns: -1}); err == nil {
		t.Error("negative ReadConns accepted")
	}
}
