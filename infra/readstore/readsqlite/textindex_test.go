package readsqlite

import (
	"context"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/chance-video/chance/eventlog"
	"github.com/chance-video/chance/infra/readstore/readstoretest"
	"github.com/chance-video/chance/projections"
	"github.com/chance-video/chance/readmodel/catalogue"
)

// noAutomerge turns FTS5's own merging off for f's index, so that each commit leaves a
// segment of its own.
func noAutomerge(t *testing.T, f *file) {
	t.Helper()
	if _, err := f.write.Exec(`INSERT INTO premiere_text (premiere_text, rank) VALUES ('automerge', 0)`); err != nil {
		t.Fatal(err)
	}
}

// segmentedWrites writes n premieres on sale that mention readstoretest.CommonTerm, one
// commit each.
func segmentedWrites(t *testing.T, store projections.Store, n int) {
	t.Helper()
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range n {
		p := readstoretest.GeneratedPremiere(rng, i, n)
		p.OnSale = true
		p.Description += " театре"
		err := projections.Update(ctx, store, catalogue.Name, eventlog.Position{Commit: uint64(i + 1), Prepare: uint64(i + 1)}, func(tx catalogue.Writes) error {
			return tx.PutPremiere(ctx, p)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

func segmentsOf(t *testing.T, f *file) int {
	t.Helper()
	n, err := textSegments(context.Background(), f.write, "premiere_text")
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func searchCommon(t *testing.T, s *Store) int {
	t.Helper()
	res, err := s.Search(context.Background(), catalogue.SearchQuery{Text: readstoretest.CommonTerm, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	return res.Total
}

func servingFile(t *testing.T, s *Store) *file {
	t.Helper()
	g, release, err := s.serving(catalogue.Name)
	if err != nil {
		t.Fatal(err)
	}
	release()
	return g.file
}

func TestMergeTextInSteps(t *testing.T) {
	s := openIn(t, t.TempDir())
	f := servingFile(t, s)
	noAutomerge(t, f)
	segmentedWrites(t, s, liveSegmentLimit) // not past the limit: no merge in the background
	s.merges.Wait()
	if got := segmentsOf(t, f); got != liveSegmentLimit {
		t.Fatalf("before: %d segments, want %d (one a commit)", got, liveSegmentLimit)
	}
	steps, err := mergeText(context.Background(), f, "premiere_text", 1, liveMergePages, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := segmentsOf(t, f); got != 1 || steps < 1 {
		t.Fatalf("after %d steps: %d segments, want 1", steps, got)
	}
	if got := searchCommon(t, s); got != liveSegmentLimit {
		t.Fatalf("search after the merge: %d matches, want %d", got, liveSegmentLimit)
	}
	if steps, err := mergeText(context.Background(), f, "premiere_text", 1, liveMergePages, nil); err != nil || steps != 0 {
		t.Fatalf("merging one segment again: %d steps, %v; want none", steps, err)
	}
}

func TestBurstOfWritesIsMergedInTheBackground(t *testing.T) {
	s := openIn(t, t.TempDir())
	f := servingFile(t, s)
	noAutomerge(t, f)
	const n = 3 * liveSegmentLimit
	segmentedWrites(t, s, n)
	s.merges.Wait()
	if got := segmentsOf(t, f); got > liveSegmentLimit {
		t.Fatalf("%d segments after %d commits, want at most %d", got, n, liveSegmentLimit)
	}
	if got := searchCommon(t, s); got != n {
		t.Fatalf("search: %d matches, want %d", got, n)
	}
}

func TestPromoteMergesTheTextIndex(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := openIn(t, dir)
	shadow, err := s.Shadow(ctx, catalogue.Name)
	if err != nil {
		t.Fatal(err)
	}
	const n = 12
	segmentedWrites(t, shadow, n)
	// The shadow's file, read beside its writer (WAL).
	peek, err := openFile(ctx, filepath.Join(dir, generationFile(catalogue.Name, 2)), nil, nil, false, rebuildable, fileCaches(1024))
	if err != nil {
		t.Fatal(err)
	}
	defer peek.close()
	if got := segmentsOf(t, peek); got < 2 {
		t.Fatalf("shadow before promote: %d segments, want several (one a commit, merged by 4)", got)
	}
	if err := shadow.Promote(ctx); err != nil {
		t.Fatal(err)
	}
	if got := segmentsOf(t, servingFile(t, s)); got != 1 {
		t.Fatalf("promoted: %d segments, want 1", got)
	}
	if got := searchCommon(t, s); got != n {
		t.Fatalf("search: %d matches, want %d", got, n)
	}
}
