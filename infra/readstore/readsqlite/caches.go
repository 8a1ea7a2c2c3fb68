package readsqlite

import "fmt"

// Options tune a Store. The zero value gives the defaults.
type Options struct {
	// CacheKiB is SQLite's page cache over every connection of the store: each file's
	// writer and read pool (default 32 MiB, the default memory budget's share). A
	// projection's file takes twice the share of the inbox, dead-letter, sent and
	// follower files; within a file the writer takes a third, the read pool the rest.
	// A rebuild's new generation gets its projection's sizes beside the serving one.
	CacheKiB int
}

const (
	defaultCacheKiB = 32 << 10
	// minConnCacheKiB keeps an index's inner pages cached however small the budget.
	minConnCacheKiB = 128
	// Shares of a file of each kind in the store's page cache.
	projectionWeight = 2
	otherWeight      = 1
	otherFiles       = 4 // inbox, dead letters, sent records, follower checkpoints
)

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
	projection cacheSizes // a projection's generation file
	other      cacheSizes // the inbox, dead letters, sent records, follower checkpoints
}

func planCaches(totalKiB, projections int) cachePlan {
	if totalKiB == 0 {
		totalKiB = defaultCacheKiB
	}
	unit := totalKiB / (projectionWeight*projections + otherWeight*otherFiles)
	return cachePlan{projection: fileCaches(unit * projectionWeight), other: fileCaches(unit * otherWeight)}
}

// fileCaches splits one file's share: a third to the writer (projectors apply batches
// of events), the rest over the read pool (queries are what people wait for).
func fileCaches(kib int) cacheSizes {
	return cacheSizes{WriterKiB: max(kib/3, minConnCacheKiB), ReaderKiB: max(kib*2/3/readConns, minConnCacheKiB)}
}

// CacheKiB is the page cache of each connection of a projection's file: its writer's
// and each reader's (the start's log line reports them).
func (s *Store) CacheKiB() (writer, reader int) {
	return s.caches.projection.WriterKiB, s.caches.projection.ReaderKiB
}
