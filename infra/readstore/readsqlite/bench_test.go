package readsqlite

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chance-video/chance/eventlog"
	"github.com/chance-video/chance/infra/config"
	"github.com/chance-video/chance/infra/readstore/readstoretest"
	"github.com/chance-video/chance/infra/readstore/searchtext"
	"github.com/chance-video/chance/projections"
	"github.com/chance-video/chance/readmodel/catalogue"
)

// benchPremieres is the catalogue size the search benchmark runs on.
const benchPremieres = 100_000

// BenchmarkSearch measures search latency on 100,000 generated premieres for each
// readstoretest.SearchShapes, through the FTS5 trigram index, and, for comparison, a
// plain LIKE '%…%' scan of the same normalised columns. Each sub-benchmark reports p50
// and p95 of its calls and prints them beside the 5 ms target.
func BenchmarkSearch(b *testing.B) {
	dir := b.TempDir()
	// Opened as the server opens it under the default memory budget, so that the page
	// caches are the ones searches get in production.
	cfg := config.Config{MemoryBudget: config.DefaultMemoryBudget, EventStore: config.SQLite, ReadStore: config.SQLite}
	s, err := OpenWith(dir, Options{CacheKiB: config.PageCacheKiB(cfg.Memory().ReadModelCache)})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	// Built the way a replay builds it: into a shadow generation, then promoted.
	shadow, err := s.Shadow(ctx, catalogue.Name)
	if err != nil {
		b.Fatal(err)
	}
	started := time.Now()
	if err := projections.Update(ctx, shadow, catalogue.Name, eventlog.Position{Commit: 1, Prepare: 1}, func(tx catalogue.Writes) error {
		rng := rand.New(rand.NewPCG(1, 2))
		for i := range benchPremieres {
			if err := tx.PutPremiere(ctx, readstoretest.GeneratedPremiere(rng, i, benchPremieres)); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		b.Fatal(err)
	}
	written := time.Since(started)
	started = time.Now()
	if err := shadow.Promote(ctx); err != nil {
		b.Fatal(err)
	}
	promoted := time.Since(started)
	g, release, err := s.serving(catalogue.Name)
	if err != nil {
		b.Fatal(err)
	}
	segments, err := textSegments(ctx, g.read, "premiere_text")
	release()
	if err != nil {
		b.Fatal(err)
	}
	writer, reader := s.CacheKiB(catalogue.Name)
	// A parent benchmark's log is not printed: each sub-benchmark repeats the work size.
	work := fmt.Sprintf("%d premieres, written in one Update of a shadow in %v, promoted in %v; file %s, "+
		"text index %d segments; budget %s: cache_size writer %d KiB, readers %d KiB each", benchPremieres,
		written.Round(time.Millisecond), promoted.Round(time.Millisecond), fileSize(dir, generationFile(catalogue.Name, 2)),
		segments, cfg.MemoryBudget, writer, reader)

	for _, c := range readstoretest.SearchShapes {
		b.Run("fts/"+c.Name, func(b *testing.B) {
			var res catalogue.SearchResult
			p50, p95 := readstoretest.MeasureLatency(b, func() (err error) {
				res, err = s.Search(context.Background(), c.Q)
				return err
			})
			b.Logf("%s: %s; %s; catalogue %s", c.Name, readstoretest.AgainstTarget(p50, p95), c.Describe(res), work)
		})
	}
	for _, c := range []struct{ name, term string }{{"like/rare", readstoretest.RareTerm}, {"like/common", readstoretest.CommonTerm}} {
		b.Run(c.name, func(b *testing.B) {
			var total int
			readstoretest.MeasureLatency(b, func() (err error) {
				total, err = likeSearch(s, stem(searchtext.Normalize(c.term)))
				return err
			})
			b.Logf("%s: %q: %d matches; catalogue %s", c.name, c.term, total, work)
		})
	}
}

// likeSearch is the search without the index: a count and the newest page, by LIKE.
func likeSearch(s *Store, term string) (int, error) {
	g, release, err := s.serving(catalogue.Name)
	if err != nil {
		return 0, err
	}
	defer release()
	pattern := "%" + term + "%"
	const where = premiereFrom + ` WHERE p.on_sale = 1 AND (p.title_norm LIKE ?1 OR t.actors_norm LIKE ?1 OR t.description_norm LIKE ?1)`
	var total int
	if err := g.read.QueryRow(`SELECT count(*)`+where, pattern).Scan(&total); err != nil {
		return 0, err
	}
	rows, err := g.read.Query(`SELECT `+premiereColumns+where+` ORDER BY p.published_at DESC, p.id LIMIT 20`, pattern)
	if err != nil {
		return 0, err
	}
	_, err = appendPremieres(nil, rows)
	return total, err
}

func fileSize(dir, name string) string {
	info, err := os.Stat(filepath.Join(dir, name))
	if err != nil {
		return err.Error()
	}
	return fmt.Sprintf("%.1f MiB", float64(info.Size())/(1<<20))
}
