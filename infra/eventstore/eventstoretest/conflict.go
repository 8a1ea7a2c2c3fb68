package eventstoretest

import (
	"errors"
	"sync"
	"testing"

	"github.com/chance-video/chance/eventlog"
)

func testConflicts(t *testing.T, s eventlog.Store) {
	ctx := testContext(t)
	existing := newStream("conflict") // at revision 2
	mustAppend(t, ctx, s, existing, eventlog.NoStream, newEvents(3))

	cases := []struct {
		name   string
		stream string
		exp    eventlog.Expected
		exists bool
		actual uint64
	}{
		{"stale exact", existing, eventlog.Exact(1), true, 2},
		{"exact ahead", existing, eventlog.Exact(3), true, 2},
		{"no stream on existing", existing, eventlog.NoStream, true, 2},
		{"exact on missing", newStream("conflict"), eventlog.Exact(0), false, 0},
		{"stream exists on missing", newStream("conflict"), eventlog.StreamExists, false, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := len(mustReadStream(t, ctx, s, tc.stream))
			_, err := s.Append(ctx, tc.stream, tc.exp, newEvents(2))
			checkConflict(t, err, tc.stream, tc.exp, tc.exists, tc.actual)
			if after := len(mustReadStream(t, ctx, s, tc.stream)); after != before {
				t.Errorf("a refused append changed the stream from %d to %d events", before, after)
			}
		})
	}
}

func testAnyAndStreamExistsAppend(t *testing.T, s eventlog.Store) {
	ctx := testContext(t)
	stream := newStream("any")
	var all []eventlog.EventData
	for i, exp := range []eventlog.Expected{eventlog.Any, eventlog.Any, eventlog.StreamExists, eventlog.Any} {
		events := newEvents(2)
		res := mustAppend(t, ctx, s, stream, exp, events)
		if want := uint64(2*i + 1); res.LastRevision != want {
			t.Errorf("append %d at %s: last revision %d, want %d", i, exp, res.LastRevision, want)
		}
		all = append(all, events...)
	}
	checkRecords(t, mustReadStream(t, ctx, s, stream), stream, 0, all)
}

// testConcurrentSameRevision: of many appends racing at the same expectation, exactly
// one wins; the others get a conflict and write nothing.
func testConcurrentSameRevision(t *testing.T, s eventlog.Store) {
	const racers = 16
	ctx := testContext(t)
	existing := newStream("race")
	mustAppend(t, ctx, s, existing, eventlog.NoStream, newEvents(1))

	for _, tc := range []struct {
		name   string
		stream string
		exp    eventlog.Expected
		before int
	}{
		{"exact", existing, eventlog.Exact(0), 1},
		{"no stream", newStream("race"), eventlog.NoStream, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			start := make(chan struct{})
			errs := make([]error, racers)
			var wg sync.WaitGroup
			for i := range racers {
				wg.Go(func() {
					<-start
					_, errs[i] = s.Append(ctx, tc.stream, tc.exp, newEvents(2))
				})
			}
			close(start)
			wg.Wait()
			wins := 0
			for _, err := range errs {
				switch {
				case err == nil:
					wins++
				case !errors.Is(err, eventlog.ErrWrongExpectedRevision):
					t.Errorf("a losing append failed with %v, want a wrong expected revision", err)
				}
			}
			if wins != 1 {
				t.Errorf("%d appends won, want exactly 1", wins)
			}
			if n := len(mustReadStream(t, ctx, s, tc.stream)); n != tc.before+2 {
				t.Errorf("stream has %d events, want %d", n, tc.before+2)
			}
		})
	}
}
