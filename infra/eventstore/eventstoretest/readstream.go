package eventstoretest

import (
	"math"
	"testing"

	"github.com/chance-video/chance/eventlog"
)

// testReadStreamFrom: ReadStream(from) returns the events with revision >= from; from
// past the end, and any from on a missing stream, is empty and not an error.
func testReadStreamFrom(t *testing.T, s eventlog.Store) {
	ctx := testContext(t)
	stream, other := newStream("from"), newStream("from")
	first, second := newEvents(3), newEvents(2)
	mustAppend(t, ctx, s, stream, eventlog.NoStream, first)
	mustAppend(t, ctx, s, other, eventlog.NoStream, newEvents(4)) // interleaved, must not leak in
	mustAppend(t, ctx, s, stream, eventlog.Exact(2), second)
	all := append(first, second...) // revisions 0..4

	read := func(stream string, from uint64) []eventlog.Record {
		t.Helper()
		records, err := s.ReadStream(ctx, stream, from)
		if err != nil {
			t.Fatalf("read %s from %d: %v", stream, from, err)
		}
		return records
	}
	whole := read(stream, 0)
	checkRecords(t, whole, stream, 0, all)
	for _, from := range []uint64{1, 2, 3, 4} {
		got := read(stream, from)
		checkRecords(t, got, stream, from, all[from:])
		for i, r := range got {
			if w := whole[from+uint64(i)]; r.Position != w.Position {
				t.Errorf("from %d: revision %d at %s, the whole read has it at %s", from, r.Revision, r.Position, w.Position)
			}
		}
	}
	for _, from := range []uint64{5, 6, 1 << 40, math.MaxInt64, math.MaxUint64} {
		if got := read(stream, from); len(got) != 0 {
			t.Errorf("from %d, past the last revision 4: %d events, want none", from, len(got))
		}
	}
	missing := newStream("from")
	for _, from := range []uint64{0, 1, 5, math.MaxUint64} {
		if got := read(missing, from); len(got) != 0 {
			t.Errorf("missing stream from %d: %d events, want none", from, len(got))
		}
	}
}
