package projections

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/chance-video/chance/eventlog"
)

// Leases make one process at a time follow each projection when several processes'
// runners share a store (infra/lease implements it).
type Leases interface {
	// Hold runs fn while this process holds the lease name, standing by until it does;
	// fn's context ends if the lease is lost.
	Hold(ctx context.Context, name string, fn func(ctx context.Context) error) error
}

// LeaseName is the lease of a projection's follower.
func LeaseName(projection string) string { return "projection:" + projection }

// Scanned stores tell processes that do not run the projection (api-only processes
// waiting for a client's write) how far a projection's follower has read the log. Its
// checkpoint alone does not: it moves only with a batch holding events the projection
// handles, so a wait for a position irrelevant to the projection would never end.
type Scanned interface {
	// RecordScanned records that the projection has applied everything up to pos (the
	// batches after its checkpoint held nothing for it). Never moves back.
	RecordScanned(ctx context.Context, projection string, pos eventlog.Position) error
}

// scanGap is the shortest time between two scanned records of one follower: a burst
// of irrelevant batches costs one write per gap, and a waiting reader learns of the
// last one at most this much later.
const scanGap = 10 * time.Millisecond

// scanReporter records a follower's scanned position in the background, coalescing:
// it writes the latest position, at most once per scanGap, one write at a time.
type scanReporter struct {
	store      Scanned
	projection string
	mu         sync.Mutex
	latest     eventlog.Position
	kick       chan struct{}
}

func newScanReporter(ctx context.Context, store Store, projection string) *scanReporter {
	s, ok := store.(Scanned)
	if !ok {
		return nil
	}
	r := &scanReporter{store: s, projection: projection, kick: make(chan struct{}, 1)}
	go r.run(ctx)
	return r
}

// saw notes that the follower has applied everything up to pos.
func (r *scanReporter) saw(pos eventlog.Position) {
	if r == nil {
		return
	}
	r.mu.Lock()
	if r.latest.Less(pos) {
		r.latest = pos
	}
	r.mu.Unlock()
	select {
	case r.kick <- struct{}{}:
	default:
	}
}

// run writes the latest position after each kick. A failed write is tried again,
// pausing longer each time (up to maxOutagePause), until it succeeds or ctx ends: the
// next kick may be long in coming on a quiet log, and meanwhile api-only processes
// would wait their whole read bound and see the projection lag grow.
func (r *scanReporter) run(ctx context.Context) {
	var written eventlog.Position
	var retry <-chan time.Time // set while a failed write waits to be tried again
	pause := firstOutagePause
	for {
		select {
		case <-ctx.Done():
			return
		case <-r.kick:
		case <-retry:
		}
		r.mu.Lock()
		pos := r.latest
		r.mu.Unlock()
		if !written.Less(pos) {
			continue
		}
		if err := r.store.RecordScanned(ctx, r.projection, pos); err != nil {
			if ctx.Err() != nil {
				return
			}
			slog.Debug("projection: recording how far it has read failed; trying again", "projection", r.projection, "pause", pause, "error", err)
			retry = time.After(pause)
			pause = min(2*pause, maxOutagePause)
			continue
		}
		written, retry, pause = pos, nil, firstOutagePause
		select {
		case <-ctx.Done():
			return
		case <-time.After(scanGap):
		}
	}
}
