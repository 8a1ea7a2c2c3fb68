package eventsqlite

import (
	"slices"
	"sync"

	"github.com/chance-video/chance/eventlog"
)

// recentBatches shares the batches subscriptions read. Every follower of the log (each
// projection, the forwarder, …) wakes on the same commit and asks for the same
// positions; reading them from the file once per follower was an eighth of the
// server's CPU under write load. Now the first follower reads, the others take a copy.
//
// A batch is shared only while the log's head is the one the reader saw before
// reading: the batch then holds every event up to that head (or a full batch), which
// is what the file would answer, so a follower never waits on a commit it was given
// no events of. Events are immutable, so a batch never goes stale in any other way.
type recentBatches struct {
	mu      sync.Mutex
	next    int
	entries [recentBatchCount]recentBatch
}

// recentBatchCount: followers are at a handful of distinct positions at a time (most
// at the head, a few catching up).
const recentBatchCount = 8

type recentBatch struct {
	after, head uint64
	records     []eventlog.Record
}

// get is a copy of the batch read after `after` while the head was head, if kept. The
// records' Data is shared: readers decode it and never write to it.
func (r *recentBatches) get(after, head uint64) ([]eventlog.Record, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, e := range r.entries {
		if e.records != nil && e.after == after && e.head == head {
			return slices.Clone(e.records), true
		}
	}
	return nil, false
}

// put keeps a copy of a non-empty batch read after `after`, the head being head before
// the read.
func (r *recentBatches) put(after, head uint64, records []eventlog.Record) {
	if len(records) == 0 {
		return
	}
	kept := slices.Clone(records)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.entries[r.next] = recentBatch{after: after, head: head, records: kept}
	r.next = (r.next + 1) % recentBatchCount
}
