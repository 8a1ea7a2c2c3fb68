package eventsqlite

import (
	"errors"
	"fmt"
	"time"
)

// Options tune a Store. The zero value gives the defaults below.
type Options struct {
	// MaxBatchEvents bounds a group commit (default 4096): it takes no more appends
	// once it holds this many events. A single append larger than that still commits.
	MaxBatchEvents int
	// ReadConns is the size of the read pool (default 4). WAL lets every reader run
	// beside the writer, so this bounds concurrent ReadStream/ReadAll/Subscribe reads.
	ReadConns int
	// CachedStreams bounds the writer's stream → last revision cache (default 100,000).
	// Evicted streams are simply read again from the file when next appended to.
	CachedStreams int
	// BusyTimeout is how long a connection waits for a lock held by another
	// connection, e.g. a checkpoint (default 5 s).
	BusyTimeout time.Duration
	// CacheKiB is SQLite's page cache per connection (default 16 MiB).
	CacheKiB int
	// OnForeignWrites, if set, is told when the writer finds events that another
	// process appended to the file (positions from..to), which it then takes in.
	OnForeignWrites func(from, to uint64)
	// OnCommit, if set, is told of each group commit: how many appends it took and how
	// many events it wrote (metrics). It runs on the writer goroutine: keep it cheap.
	OnCommit func(appends, events int)
}

const (
	defaultMaxBatchEvents = 4096
	defaultReadConns      = 4
	defaultCachedStreams  = 100_000
	defaultBusyTimeout    = 5 * time.Second
	defaultCacheKiB       = 16 << 10
)

func (o Options) withDefaults() Options {
	if o.MaxBatchEvents == 0 {
		o.MaxBatchEvents = defaultMaxBatchEvents
	}
	if o.ReadConns == 0 {
		o.ReadConns = defaultReadConns
	}
	if o.CachedStreams == 0 {
		o.CachedStreams = defaultCachedStreams
	}
	if o.BusyTimeout == 0 {
		o.BusyTimeout = defaultBusyTimeout
	}
	if o.CacheKiB == 0 {
		o.CacheKiB = defaultCacheKiB
	}
	return o
}

// Validate reports options that cannot work (negative sizes). Zero means "default".
func (o Options) Validate() error {
	var errs []error
	if o.MaxBatchEvents < 0 {
		errs = append(errs, fmt.Errorf("MaxBatchEvents %d is negative", o.MaxBatchEvents))
	}
	if o.ReadConns < 0 {
		errs = append(errs, fmt.Errorf("ReadConns %d is negative", o.ReadConns))
	}
	if o.CachedStreams < 0 {
		errs = append(errs, fmt.Errorf("CachedStreams %d is negative", o.CachedStreams))
	}
	if o.BusyTimeout < 0 {
		errs = append(errs, fmt.Errorf("BusyTimeout %v is negative", o.BusyTimeout))
	}
	if o.CacheKiB < 0 {
		errs = append(errs, fmt.Errorf("CacheKiB %d is negative", o.CacheKiB))
	}
	return errors.Join(errs...)
}

// Connections is how many connections a Store with these options opens: the writer's,
// the checkpointer's and the read pool. CacheKiB is per connection, so the page cache
// can reach CacheKiB × Connections.
func (o Options) Connections() int { return 2 + o.withDefaults().ReadConns }
