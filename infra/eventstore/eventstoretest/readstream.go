package eventstoretest

import (
	"context"
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

// rangeReader is the optional bounded read of a stream (commands' replays use it).
type rangeReader interface {
	ReadStreamRange(ctx context.Context, stream string, from, to uint64) ([]eventlog.Record, error)
}

// testReadStreamRange: ReadStreamRange(from, to) returns revisions from…to, both
// included, and nothing when from > to, past the end, or on a missing stream.
func testReadStreamRange(t *testing.T, s eventlog.Store) {
	r, ok := s.(rangeReader)
	if !ok {
		t.Skip("the store reads no ranges (commands read to the end instead)")
	}
	ctx := testContext(t)
	stream := newStream("range")
	all := newEvents(5)
	mustAppend(t, ctx, s, stream, eventlog.NoStream, all[:3])
	mustAppend(t, ctx, s, newStream("range"), eventlog.NoStream, newEvents(2)) // interleaved
	mustAppend(t, ctx, s, stream, eventlog.Exact(2), all[3:])
	for _, c := range []struct{ from, to, n uint64 }{{0, 4, 5}, {1, 3, 3}, {2, 2, 1}, {3, math.MaxUint64, 2}, {3, 2, 0}, {5, 9, 0}, {math.MaxUint64, math.MaxUint64, 0}} {
		got, err := r.ReadStreamRange(ctx, stream, c.from, c.to)
		if err != nil {
			t.Fatalf("read %d..%d: %v", c.from, c.to, err)
		}
		if uint64(len(got)) != c.n {
			t.Fatalf("read %d..%d: %d events, want %d", c.from, c.to, len(got), c.n)
		}
		if c.n > 0 {
			checkRecords(t, got, stream, c.from, all[c.from:c.from+c.n])
		}
	}
	if got, err := r.ReadStreamRange(ctx, newStream("range"), 0, 10); err != nil || len(got) != 0 {
		t.Fatalf("missing stream: %d events, %v", len(got), err)
	}
}
