package eventsqlite

import (
	"context"
	"path/filepath"
	"strconv"
	"sync"
	"testing"

	"github.com/chance-video/chance/eventlog"
)

// A reopened store knows, once it has indexed the file, which streams it holds: a
// stream of the file is never called absent, a new one is, and so is one it appends.
func TestKnownStreamsAfterReopen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "events.db")
	first, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	const streams = 25_000 // more than one page of the build
	var wg sync.WaitGroup  // concurrent appends share commits: a few hundred fsyncs, not 25,000
	for w := range 100 {
		wg.Go(func() {
			for j := w; j < streams; j += 100 {
				mustAppend(t, first, "old-"+strconv.Itoa(j), eventlog.NoStream, testEvents(1+j%2))
			}
		})
	}
	wg.Wait()
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}

	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.StreamsIndexed(ctx); err != nil {
		t.Fatal(err)
	}
	for i := range streams {
		if next, known := s.CommittedNext("old-" + strconv.Itoa(i)); known && next == 0 {
			t.Fatalf("old-%d holds events but is known empty", i)
		}
	}
	if next, known := s.CommittedNext("new"); !known || next != 0 {
		t.Fatalf("new: %d, %v; want known empty", next, known)
	}
	mustAppend(t, s, "new", eventlog.NoStream, testEvents(1))
	if next, known := s.CommittedNext("new"); !known || next != 1 {
		t.Fatalf("new after an append: %d, %v; want 1", next, known)
	}
	if got, err := s.ReadStream(ctx, "new", 0); err != nil || len(got) != 1 {
		t.Fatalf("read new: %d records, %v", len(got), err)
	}
}

// The filter never forgets a name and grows past its first layer; it calls few new
// names "maybe present" (each such answer costs one read, never a wrong answer).
func TestKnownStreamsFilterBounds(t *testing.T) {
	k := newKnownStreams()
	k.ready = true
	const names = 3 * firstLayerNames
	for i := range names {
		k.add("in-" + strconv.Itoa(i))
	}
	if len(k.layers) < 2 {
		t.Fatalf("%d layers for %d names; want it grown", len(k.layers), names)
	}
	for i := range names {
		if k.absent("in-" + strconv.Itoa(i)) {
			t.Fatalf("in-%d added but called absent", i)
		}
	}
	maybe := 0
	for i := range names {
		if !k.absent("out-" + strconv.Itoa(i)) {
			maybe++
		}
	}
	if rate := float64(maybe) / names; rate > 0.05 {
		t.Fatalf("%.1f%% of new names called maybe present; want under 5%%", 100*rate)
	}
	k.invalidate()
	if k.absent("out-1") {
		t.Fatal("a name called absent after the file was written by another process")
	}
	k.add("after") // must not panic once invalidated
}
