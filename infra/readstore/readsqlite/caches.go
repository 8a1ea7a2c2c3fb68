package readsqlite

import (
	"fmt"

	"github.com/chance-video/chance/readmodel/catalogue"
)

// Options tune a Store. The zero value gives the defaults.
type Options struct {
	// CacheKiB is SQLite's page cache (PRAGMA cache_size) over every connection of the
	// store: each file's writer and read pool (default 32 MiB). Files share it by weight
	// (cacheWeights); within a file the writer takes a third, the read pool the rest. A
	// rebuild's new generation gets its projection's sizes beside the serving one.
	CacheKiB int
}

const (
	defaultCacheKiB = 32 << 10
	// minConnCacheKiB keeps an index's inner pages cached however small the budget.
	minConnCacheKiB = 128
	// Shares of a file of each kind in the store's page cache (see cacheWeights).
	projectionWeight = 2
	otherWeight      = 1
	otherFiles       = 4 // inbox, dead letters, sent records, follower checkpoints
)

// cacheWeights are the projections that take more than projectionWeight: the catalogue
// answers every search, whose full-text index pages are the hottest reads of the shop.
// More did not pay: at 100,000 premieres (a merged index, BenchmarkSearch) readers of
// 16× the default budget's 702 KiB changed search p50s by 0–20%; searches spend their
// time decoding doclists, and the OS page cache holds the file's pages outside the process.
var cacheWeights = map[string]int{catalogue.Name: 6}

func weightOf(projection string) int {
	if w, ok := cacheWeights[projection]; ok {
		return w
	}
	return projectionWeight
}

// Validate reports options that cannot work.
func (o Options) Validate() error {
	if o.CacheKiB < 0 {
		return fmt.Errorf("CacheKiB %d is negative", o.CacheKiB)
	}
	return nil
}

// cacheSizes are the page caches of one file's connections (PRAGMA cache_size, KiB).
type cacheSizes struct {
	WriterKiB int // the write connection's
	ReaderKiB int // each read connection's
}

// cachePlan sizes every file's connections from the store's total.
type cachePlan struct {
	projections map[string]cacheSizes // each projection's generation files
	other       cacheSizes            // the inbox, dead letters, sent records, follower checkpoints
}

func planCaches(totalKiB int, projections []string) cachePlan {
	if totalKiB == 0 {
		totalKiB = defaultCacheKiB
	}
	units := otherWeight * otherFiles
	for _, name := range projections {
		units += weightOf(name)
	}
	unit := totalKiB / units
	plan := cachePlan{projections: map[string]cacheSizes{}, other: fileCaches(unit * otherWeight)}
	for _, name := range projections {
		plan.projections[name] = fileCaches(unit * weightOf(name))
	}
	return plan
}

// projection is the sizes of a projection's files.
func (p cachePlan) projection(name string) cacheSizes { return p.projections[name] }

// fileCaches splits one file's share: a third to the writer (projectors apply batches
// of events), the rest over the read pool (queries are what people wait for).
func fileCaches(kib int) cacheSizes {
	return cacheSizes{WriterKiB: max(kib/3, minConnCacheKiB), ReaderKiB: max(kib*2/3/readConns, minConnCacheKiB)}
}

// CacheKiB is the page cache of each connection of projection's file: its writer's and
// each reader's (the start's log line reports them).
func (s *Store) CacheKiB(projection string) (writer, reader int) {
	c := s.caches.projection(projection)
	return c.WriterKiB, c.ReaderKiB
}
