package eventstoretest

import (
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/eventlog"
)

func testAppendAndReadStream(t *testing.T, s eventlog.Store) {
	ctx := testContext(t)
	stream, other := newStream("order"), newStream("order")

	first := newEvents(3)
	res := mustAppend(t, ctx, s, stream, eventlog.NoStream, first)
	if res.LastRevision != 2 || res.NextExpected != eventlog.Exact(2) || res.Position.IsStart() {
		t.Fatalf("first append: %+v, want last revision 2, next expected revision 2, a position", res)
	}
	mustAppend(t, ctx, s, other, eventlog.NoStream, newEvents(2)) // interleaved, must not leak in

	second := newEvents(2)
	res2 := mustAppend(t, ctx, s, stream, eventlog.Exact(res.LastRevision), second)
	if res2.LastRevision != 4 || res2.NextExpected != eventlog.Exact(4) || !res.Position.Less(res2.Position) {
		t.Fatalf("second append: %+v after %+v, want last revision 4 at a later position", res2, res)
	}

	got := mustReadStream(t, ctx, s, stream)
	checkRecords(t, got, stream, 0, append(first, second...))
	if got[2].Position != res.Position || got[4].Position != res2.Position {
		t.Errorf("positions %s and %s, append results said %s and %s", got[2].Position, got[4].Position, res.Position, res2.Position)
	}
	if n := len(mustReadStream(t, ctx, s, other)); n != 2 {
		t.Errorf("other stream has %d events, want 2", n)
	}
}

func testMetadataRoundTrip(t *testing.T, s eventlog.Store) {
	ctx := testContext(t)
	stream := newStream("meta")
	events := newEvents(4)
	events[1].Metadata.OccurredAt = time.Date(2026, 12, 31, 23, 59, 59, 999999999, time.UTC)
	events[2].Metadata = eventlog.Metadata{}   // zero time, empty fields
	events[3].Metadata.OccurredAt = time.Now() // carries a monotonic reading and the local zone
	mustAppend(t, ctx, s, stream, eventlog.NoStream, events)
	checkRecords(t, mustReadStream(t, ctx, s, stream), stream, 0, events)
}

func testMissingStream(t *testing.T, s eventlog.Store) {
	ctx := testContext(t)
	stream := newStream("missing")
	if got := mustReadStream(t, ctx, s, stream); len(got) != 0 {
		t.Fatalf("missing stream read %d events", len(got))
	}
	res := mustAppend(t, ctx, s, stream, eventlog.NoStream, newEvents(1))
	if res.LastRevision != 0 || res.NextExpected != eventlog.Exact(0) {
		t.Errorf("append to a new stream: %+v, want revision 0", res)
	}
}

// testInvalidAppend: an append no stream state could make valid fails with
// eventlog.ErrInvalidAppend (not a revision conflict) and writes nothing.
func testInvalidAppend(t *testing.T, s eventlog.Store) {
	ctx := testContext(t)
	stream := newStream("invalid")
	with := func(change func(events []eventlog.EventData)) []eventlog.EventData {
		events := newEvents(3)
		change(events)
		return events
	}
	cases := []struct {
		name   string
		stream string
		events []eventlog.EventData
	}{
		{"empty stream name", "", newEvents(1)},
		{"nil events", stream, nil},
		{"no events", stream, []eventlog.EventData{}},
		{"nil id", stream, with(func(e []eventlog.EventData) { e[1].ID = uuid.Nil })},
		{"empty type", stream, with(func(e []eventlog.EventData) { e[2].Type = "" })},
		{"repeated id", stream, with(func(e []eventlog.EventData) { e[2].ID = e[0].ID })},
	}
	for _, tc := range cases {
		for _, exp := range []eventlog.Expected{eventlog.Any, eventlog.NoStream, eventlog.StreamExists, eventlog.Exact(0)} {
			_, err := s.Append(ctx, tc.stream, exp, tc.events)
			if !errors.Is(err, eventlog.ErrInvalidAppend) || errors.Is(err, eventlog.ErrWrongExpectedRevision) {
				t.Errorf("%s at %s: got %v, want only eventlog.ErrInvalidAppend", tc.name, exp, err)
			}
		}
	}
	if head, err := s.Head(ctx); err != nil || !head.IsStart() {
		t.Errorf("head after invalid appends: %s, %v; want start", head, err)
	}
	if got := mustReadStream(t, ctx, s, stream); len(got) != 0 {
		t.Errorf("invalid appends wrote %d events", len(got))
	}
}
