package eventstoretest

import (
	"context"
	"testing"

	"github.com/google/uuid"

	"github.com/chance-video/chance/eventlog"
)

// retry re-appends events and requires the first answer back, with nothing written.
func retry(t *testing.T, ctx context.Context, s eventlog.Store, stream string, exp eventlog.Expected, events []eventlog.EventData, first eventlog.AppendResult) {
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

// testIdempotentRetry: re-appending the same event ids at the expectation they were
// appended at succeeds, writes nothing and returns the first answer — under Exact and
// NoStream whatever was appended since, under Any and StreamExists while they are the
// stream's last events.
func testIdempotentRetry(t *testing.T, s eventlog.Store) {
	ctx := testContext(t)

	t.Run("no stream", func(t *testing.T) {
		stream, events := newStream("idem"), newEvents(2)
		first := mustAppend(t, ctx, s, stream, eventlog.NoStream, events)
		retry(t, ctx, s, stream, eventlog.NoStream, events, first)
	})
	t.Run("exact", func(t *testing.T) {
		stream, events := newStream("idem"), newEvents(3)
		mustAppend(t, ctx, s, stream, eventlog.NoStream, newEvents(1))
		first := mustAppend(t, ctx, s, stream, eventlog.Exact(0), events)
		retry(t, ctx, s, stream, eventlog.Exact(0), events, first)
	})
	t.Run("after the stream moved on", func(t *testing.T) {
		stream, created, events := newStream("idem"), newEvents(2), newEvents(2)
		first := mustAppend(t, ctx, s, stream, eventlog.NoStream, created)
		second := mustAppend(t, ctx, s, stream, eventlog.Exact(1), events)
		mustAppend(t, ctx, s, stream, eventlog.Exact(3), newEvents(5))
		retry(t, ctx, s, stream, eventlog.NoStream, created, first)
		retry(t, ctx, s, stream, eventlog.Exact(1), events, second)
	})
	for _, exp := range []eventlog.Expected{eventlog.Any, eventlog.StreamExists} {
		t.Run(exp.String()+" at the tail", func(t *testing.T) {
			stream, events := newStream("idem"), newEvents(2)
			mustAppend(t, ctx, s, stream, eventlog.Any, newEvents(3))
			first := mustAppend(t, ctx, s, stream, exp, events)
			retry(t, ctx, s, stream, exp, events, first)
		})
	}
	t.Run("any creating the stream", func(t *testing.T) {
		stream, events := newStream("idem"), newEvents(2)
		first := mustAppend(t, ctx, s, stream, eventlog.Any, events)
		retry(t, ctx, s, stream, eventlog.Any, events, first)
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
		{"stored ids in another order, stream exists", eventlog.StreamExists, []eventlog.EventData{stored[1], stored[0]}},
		{"stored then new, matching expectation", eventlog.Exact(0), []eventlog.EventData{stored[1], fresh}},
		{"stored then new, current revision", eventlog.Exact(1), []eventlog.EventData{stored[1], fresh}},
		{"new then stored, any", eventlog.Any, []eventlog.EventData{fresh, stored[0]}},
		{"stored then new, any", eventlog.Any, []eventlog.EventData{stored[1], fresh}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.Append(ctx, stream, tc.exp, tc.events)
			checkConflict(t, err, stream, tc.exp, true, 1)
			checkRecords(t, mustReadStream(t, ctx, s, stream), stream, 0, stored)
			checkNoDuplicates(t, readEverything(t, ctx, s))
		})
	}
}

// testAnyRetryAfterMoreEvents: under Any a retry is recognised only at the tail; once the
// stream moved on, ids that overlap its last len(events) events are a conflict, not a
// second copy.
func testAnyRetryAfterMoreEvents(t *testing.T, s eventlog.Store) {
	ctx := testContext(t)
	stream, events := newStream("idem"), newEvents(2)
	mustAppend(t, ctx, s, stream, eventlog.Any, events)
	mustAppend(t, ctx, s, stream, eventlog.Any, newEvents(1)) // the tail is now events[1], new
	_, err := s.Append(ctx, stream, eventlog.Any, events)
	checkConflict(t, err, stream, eventlog.Any, true, 2)
	if n := len(mustReadStream(t, ctx, s, stream)); n != 3 {
		t.Errorf("stream has %d events, want 3", n)
	}
	checkNoDuplicates(t, readEverything(t, ctx, s))
}

// testSameIDsInTwoStreams: event ids are unique per stream only; the same ids appended to
// another stream are new events there, and each stream recognises its own retries.
func testSameIDsInTwoStreams(t *testing.T, s eventlog.Store) {
	ctx := testContext(t)
	a, b, c := newStream("twin"), newStream("twin"), newStream("twin")
	events := newEvents(2)
	resA := mustAppend(t, ctx, s, a, eventlog.NoStream, events)
	mustAppend(t, ctx, s, b, eventlog.NoStream, newEvents(1))
	resB := mustAppend(t, ctx, s, b, eventlog.Exact(0), events)
	if resB.LastRevision != 2 || !resA.Position.Less(resB.Position) {
		t.Fatalf("same ids in a second stream: %+v after %+v, want revision 2 at a later position", resB, resA)
	}
	resC := mustAppend(t, ctx, s, c, eventlog.Any, events)
	retry(t, ctx, s, a, eventlog.NoStream, events, resA)
	retry(t, ctx, s, b, eventlog.Exact(0), events, resB)
	retry(t, ctx, s, c, eventlog.Any, events, resC)
	checkRecords(t, mustReadStream(t, ctx, s, a), a, 0, events)
	checkRecords(t, mustReadStream(t, ctx, s, b)[1:], b, 1, events)
	checkRecords(t, mustReadStream(t, ctx, s, c), c, 0, events)
}

// checkNoDuplicates: no stream holds an event id twice.
func checkNoDuplicates(t *testing.T, records []eventlog.Record) {
	t.Helper()
	type key struct {
		stream string
		id     uuid.UUID
	}
	seen := map[key]bool{}
	for _, r := range records {
		k := key{r.StreamID, r.ID}
		if seen[k] {
			t.Errorf("event %s stored twice in %s", r.ID, r.StreamID)
		}
		seen[k] = true
	}
}
