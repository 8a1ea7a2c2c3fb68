package eventstoretest

import (
	"fmt"
	"sync"
	"testing"

	"github.com/google/uuid"

	"github.com/chance-video/chance/eventlog"
)

// testReadAllConcurrent: while 8 writers append to many streams, a reader paging through
// the log sees every event exactly once, in strictly increasing positions — so a later
// position is never visible before an earlier one commits.
func testReadAllConcurrent(t *testing.T, s eventlog.Store) {
	const writers, appends = 8, 50
	ctx := testContext(t)
	prefix := newStream("all")
	shared := func(i int) string { return fmt.Sprintf("%s-shared-%d", prefix, i%5) }

	var (
		mu       sync.Mutex
		appended = map[uuid.UUID]bool{}
		total    int
	)
	poke := make(chan struct{}, 1) // "something new was committed", for the reader
	writersDone := make(chan struct{})
	var wg sync.WaitGroup
	defer wg.Wait() // no writer may outlive the test, even when it fails early
	for w := range writers {
		wg.Go(func() {
			own := fmt.Sprintf("%s-own-%d", prefix, w)
			ownExp := eventlog.NoStream
			for i := range appends {
				events := newEvents(1 + (w+i)%3)
				var err error
				if i%2 == 0 { // streams shared by all writers
					_, err = s.Append(ctx, shared(w+i), eventlog.Any, events)
				} else { // the writer's own stream, at its exact revision
					var res eventlog.AppendResult
					res, err = s.Append(ctx, own, ownExp, events)
					ownExp = res.NextExpected
				}
				if err != nil {
					t.Errorf("writer %d append %d: %v", w, i, err)
					return
				}
				mu.Lock()
				for _, e := range events {
					appended[e.ID] = true
				}
				total += len(events)
				mu.Unlock()
				select {
				case poke <- struct{}{}:
				default:
				}
			}
		})
	}
	go func() { wg.Wait(); close(writersDone) }()

	// The reader follows the writers page by page until they are done and it is drained.
	var seen []eventlog.Record
	after := eventlog.Start
	finished := false
	for {
		page, err := s.ReadAll(ctx, after, 7)
		if err != nil {
			t.Fatalf("read all after %s: %v", after, err)
		}
		seen = append(seen, page...)
		if len(page) > 0 {
			after = page[len(page)-1].Position
			continue
		}
		if finished {
			break
		}
		select {
		case <-poke:
		case <-writersDone:
			finished = true // one more pass reads what the last appends committed
		case <-ctx.Done():
			t.Fatalf("reader: %v after %d events", ctx.Err(), len(seen))
		}
	}

	if len(seen) != total {
		t.Errorf("reader saw %d events, writers appended %d", len(seen), total)
	}
	checkLogOrder(t, seen, appended)
	again := readEverything(t, ctx, s)
	if len(again) != len(seen) {
		t.Fatalf("second read has %d events, first %d", len(again), len(seen))
	}
	for i := range again {
		if again[i].ID != seen[i].ID || again[i].Position != seen[i].Position {
			t.Fatalf("event %d: second read %s at %s, first %s at %s", i, again[i].ID, again[i].Position, seen[i].ID, seen[i].Position)
		}
	}
}

// checkLogOrder: strictly increasing positions, every appended id exactly once, and each
// stream's revisions 0, 1, 2, … in log order.
func checkLogOrder(t *testing.T, records []eventlog.Record, appended map[uuid.UUID]bool) {
	t.Helper()
	seen := map[uuid.UUID]bool{}
	next := map[string]uint64{}
	for i, r := range records {
		if i > 0 && !records[i-1].Position.Less(r.Position) {
			t.Errorf("event %d at %s does not follow %s", i, r.Position, records[i-1].Position)
		}
		if seen[r.ID] {
			t.Errorf("event %s seen twice", r.ID)
		}
		seen[r.ID] = true
		if appended != nil && !appended[r.ID] {
			t.Errorf("event %s was never appended", r.ID)
		}
		if r.Revision != next[r.StreamID] {
			t.Errorf("stream %s: revision %d in log order, want %d", r.StreamID, r.Revision, next[r.StreamID])
		}
		next[r.StreamID] = r.Revision + 1
	}
	for id := range appended {
		if !seen[id] {
			t.Errorf("appended event %s never read", id)
		}
	}
}

func testReadAllPaging(t *testing.T, s eventlog.Store) {
	ctx := testContext(t)
	streams := []string{newStream("page"), newStream("page"), newStream("page")}
	var want []eventlog.EventData
	for i := range 5 {
		events := newEvents(1 + i%2) // 1, 2, 1, 2, 1: 7 events
		mustAppend(t, ctx, s, streams[i%3], eventlog.Any, events)
		want = append(want, events...)
	}

	all, err := s.ReadAll(ctx, eventlog.Start, 100)
	if err != nil {
		t.Fatalf("read all: %v", err)
	}
	for _, limit := range []int{0, -1} {
		if _, err := s.ReadAll(ctx, eventlog.Start, limit); err == nil {
			t.Errorf("read all with limit %d did not fail", limit)
		}
	}
	if len(all) != len(want) {
		t.Fatalf("read %d events, want %d", len(all), len(want))
	}
	for i := range all {
		if all[i].ID != want[i].ID {
			t.Fatalf("event %d is %s, want %s: not in commit order", i, all[i].ID, want[i].ID)
		}
	}
	checkLogOrder(t, all, nil)

	page := func(after eventlog.Position, limit int) []uuid.UUID {
		t.Helper()
		records, err := s.ReadAll(ctx, after, limit)
		if err != nil {
			t.Fatalf("read all after %s limit %d: %v", after, limit, err)
		}
		return ids(records)
	}
	equal := func(name string, got, want []uuid.UUID) {
		t.Helper()
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s: got %v, want %v", name, got, want)
		}
	}
	equal("first", page(eventlog.Start, 1), ids(all[:1]))
	equal("middle", page(all[2].Position, 3), ids(all[3:6]))
	equal("tail beyond the limit", page(all[4].Position, 10), ids(all[5:]))
	equal("after the last", page(all[len(all)-1].Position, 10), nil)

	var paged []uuid.UUID
	for after := eventlog.Start; ; {
		got, err := s.ReadAll(ctx, after, 3)
		if err != nil {
			t.Fatalf("read all: %v", err)
		}
		if len(got) == 0 {
			break
		}
		paged = append(paged, ids(got)...)
		after = got[len(got)-1].Position
	}
	equal("pages of 3", paged, ids(all))
}

func testHead(t *testing.T, s eventlog.Store) {
	ctx := testContext(t)
	head, err := s.Head(ctx)
	if err != nil || !head.IsStart() {
		t.Fatalf("head of an empty store: %s, %v; want start", head, err)
	}
	stream := newStream("head")
	events := newEvents(2)
	mustAppend(t, ctx, s, stream, eventlog.NoStream, events)
	last := mustAppend(t, ctx, s, newStream("head"), eventlog.NoStream, newEvents(3))
	if head, err = s.Head(ctx); err != nil || head != last.Position {
		t.Fatalf("head %s, %v; want the last append's position %s", head, err, last.Position)
	}
	all := readEverything(t, ctx, s)
	if got := all[len(all)-1].Position; got != head {
		t.Errorf("last event at %s, head %s", got, head)
	}
	mustAppend(t, ctx, s, stream, eventlog.NoStream, events) // idempotent retry
	if again, err := s.Head(ctx); err != nil || again != head {
		t.Errorf("an idempotent retry moved the head from %s to %s (%v)", head, again, err)
	}
}
