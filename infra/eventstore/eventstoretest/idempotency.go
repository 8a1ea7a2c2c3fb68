package eventstoretest

import (
	"testing"

	"github.com/google/uuid"

	"github.com/chance-video/chance/eventlog"
)

// testIdempotentRetry: re-appending the same event ids at an expectation that implies
// where they are stored succeeds, writes nothing and returns the first answer.
func testIdempotentRetry(t *testing.T, s eventlog.Store) {
	ctx := testContext(t)

	retry := func(t *testing.T, stream string, exp eventlog.Expected, events []eventlog.EventData, first eventlog.AppendResult) {
		t.Helper()
		before := mustReadStream(t, ctx, s, stream)
		head, err := s.Head(ctx)
		if err != nil {
			t.Fatalf("head: %v", err)
		}
		again := mustAppend(t, ctx, s, stream, exp, events)
		if again != first {
			t.Errorf("retry at %s answered %+v, first append %+v", exp, again, first)
		}
		if after := mustReadStream(t, ctx, s, stream); len(after) != len(before) {
			t.Errorf("retry at %s wrote: %d events, was %d", exp, len(after), len(before))
		}
		if head2, err := s.Head(ctx); err != nil || head2 != head {
			t.Errorf("retry at %s moved the head from %s to %s (%v)", exp, head, head2, err)
		}
	}

	t.Run("no stream", func(t *testing.T) {
		stream, events := newStream("idem"), newEvents(2)
		first := mustAppend(t, ctx, s, stream, eventlog.NoStream, events)
		retry(t, stream, eventlog.NoStream, events, first)
	})
	t.Run("exact", func(t *testing.T) {
		stream, events := newStream("idem"), newEvents(3)
		mustAppend(t, ctx, s, stream, eventlog.NoStream, newEvents(1))
		first := mustAppend(t, ctx, s, stream, eventlog.Exact(0), events)
		retry(t, stream, eventlog.Exact(0), events, first)
	})
	t.Run("after the stream moved on", func(t *testing.T) {
		stream, events := newStream("idem"), newEvents(2)
		first := mustAppend(t, ctx, s, stream, eventlog.NoStream, events)
		mustAppend(t, ctx, s, stream, eventlog.Exact(1), newEvents(2))
		retry(t, stream, eventlog.NoStream, events, first)
	})
	t.Run("any", func(t *testing.T) {
		stream, events := newStream("idem"), newEvents(2)
		mustAppend(t, ctx, s, stream, eventlog.Any, newEvents(1))
		first := mustAppend(t, ctx, s, stream, eventlog.Any, events)
		mustAppend(t, ctx, s, stream, eventlog.Any, newEvents(1))
		retry(t, stream, eventlog.Any, events, first)
	})
	t.Run("any, a run inside one append", func(t *testing.T) {
		stream, events := newStream("idem"), newEvents(4)
		mustAppend(t, ctx, s, stream, eventlog.NoStream, events)
		stored := mustReadStream(t, ctx, s, stream)
		want := eventlog.AppendResult{NextExpected: eventlog.Exact(2), LastRevision: 2, Position: stored[2].Position}
		retry(t, stream, eventlog.Any, events[1:3], want)
	})
}

// testIdempotencyMismatch: ids already stored, appended at an expectation that does not
// imply where they are (or mixed with new ids), are a conflict and never duplicated.
func testIdempotencyMismatch(t *testing.T, s eventlog.Store) {
	ctx := testContext(t)
	stream := newStream("idem")
	stored := newEvents(2) // revisions 0, 1
	mustAppend(t, ctx, s, stream, eventlog.NoStream, stored)
	fresh := newEvents(1)[0]

	cases := []struct {
		name   string
		exp    eventlog.Expected
		events []eventlog.EventData
	}{
		{"stored ids at a stale revision", eventlog.Exact(0), stored},
		{"stored ids at a revision ahead", eventlog.Exact(7), stored},
		{"stored ids at the current revision", eventlog.Exact(1), stored},
		{"stored ids in another order", eventlog.Any, []eventlog.EventData{stored[1], stored[0]}},
		{"stored then new, matching expectation", eventlog.Exact(0), []eventlog.EventData{stored[1], fresh}},
		{"stored then new, current revision", eventlog.Exact(1), []eventlog.EventData{stored[1], fresh}},
		{"new then stored, any", eventlog.Any, []eventlog.EventData{fresh, stored[0]}},
		{"stored then new, any", eventlog.Any, []eventlog.EventData{stored[1], fresh}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.Append(ctx, stream, tc.exp, tc.events)
			checkConflict(t, err, stream, tc.exp, true, 1)
			got := mustReadStream(t, ctx, s, stream)
			checkRecords(t, got, stream, 0, stored)
			seen := map[uuid.UUID]bool{}
			for _, id := range ids(readEverything(t, ctx, s)) {
				if seen[id] {
					t.Errorf("event %s stored twice", id)
				}
				seen[id] = true
			}
		})
	}
}
