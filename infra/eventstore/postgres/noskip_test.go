package postgres

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/eventlog"
)

// TestNoSkipAcrossProcesses is the proof that readers of the global order never skip an
// event. Several stores on one log stand for several processes (each has its own pools,
// writer and LISTEN connection); their goroutines append concurrently to streams they
// share (a quarter of them at exact revisions, which conflict across processes and are
// retried), while a subscription on yet another store follows the log. It must see every
// event exactly once, at positions 1, 2, 3 … without a gap, in commit order; each stream
// must hold revisions 0, 1, 2 … without a gap.
func TestNoSkipAcrossProcesses(t *testing.T) {
	const (
		processes = 4
		writers   = 8 // per process
		streams   = 64
	)
	const total = 100_000 // ≈ 20 s here, ≈ 35 s under -race (make test)
	url, schema := newLog(t)
	stores := make([]*Store, processes)
	for i := range stores {
		stores[i] = openIn(t, url, schema)
	}
	follower := openIn(t, url, schema)
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()

	// The subscription checks order and gaps as events arrive, and counts them.
	var (
		delivered = make(map[uuid.UUID]eventlog.Position, total)
		last      uint64
		enough    = make(chan struct{})
	)
	subCtx, stopSub := context.WithCancel(ctx)
	defer stopSub()
	subDone := make(chan error, 1)
	go func() {
		subDone <- follower.Subscribe(subCtx, eventlog.Start, func(_ context.Context, batch []eventlog.Record) error {
			for _, r := range batch {
				if r.Position.Commit != last+1 {
					return fmt.Errorf("after position %d the subscription got %d (event %s of %s)", last, r.Position.Commit, r.ID, r.StreamID)
				}
				last = r.Position.Commit
				key := r.ID // ids are fresh per event, so unique in the whole log here
				if _, dup := delivered[key]; dup {
					return fmt.Errorf("event %s delivered twice", key)
				}
				delivered[key] = r.Position
			}
			if len(delivered) >= total {
				close(enough)
				return errEnough
			}
			return nil
		})
	}()

	var (
		claimed   atomic.Int64
		conflicts atomic.Int64 // of exact writers, across processes
		appended  sync.Map     // event id → position its append reported
		wg        sync.WaitGroup
	)
	start := time.Now()
	for p, s := range stores {
		for w := range writers {
			exact := w%4 == 0
			expected := map[string]eventlog.Expected{} // for exact writers: what they last learnt
			wg.Go(func() {
				for i := 0; ; i++ {
					n := 1 + (i+w)%4
					if got := claimed.Add(int64(n)); got > int64(total) {
						n -= int(got - int64(total))
						if n <= 0 {
							return
						}
					}
					events := testEvents(n)
					stream := fmt.Sprintf("noskip-%d", (p*writers+w+i)%streams)
					exp := eventlog.Any
					if e, ok := expected[stream]; exact && ok {
						exp = e
					} else if exact {
						exp = eventlog.NoStream
					}
					res, err := s.Append(ctx, stream, exp, events)
					var wrong *eventlog.WrongExpectedRevisionError
					for exact && errors.As(err, &wrong) {
						conflicts.Add(1)
						exp = eventlog.NoStream
						if wrong.ActualExists {
							exp = eventlog.Exact(wrong.Actual)
						}
						res, err = s.Append(ctx, stream, exp, events)
					}
					if err != nil {
						t.Errorf("process %d writer %d: %v", p, w, err)
						return
					}
					expected[stream] = res.NextExpected
					for k, e := range events {
						appended.Store(e.ID, res.Position.Commit-uint64(n-1-k))
					}
				}
			})
		}
	}
	wg.Wait()
	elapsed := time.Since(start)
	if t.Failed() {
		return
	}
	// The subscription ends with errEnough once it has seen every event; enough may
	// be ready at the same moment.
	var ended error
	select {
	case <-enough:
		ended = <-subDone
	case ended = <-subDone:
	case <-ctx.Done():
		t.Fatalf("subscription delivered %d of %d events before the deadline", len(delivered), total)
	}
	if ended != errEnough {
		t.Fatalf("subscription ended with %v", ended)
	}

	// Every append landed where it said, and the subscription saw each of them.
	count := 0
	appended.Range(func(k, v any) bool {
		count++
		if pos, ok := delivered[k.(uuid.UUID)]; !ok || pos.Commit != v.(uint64) {
			t.Errorf("event %s appended at %d, delivered at %v (%v)", k, v, pos, ok)
		}
		return count < 100 || !t.Failed()
	})
	if count != total || len(delivered) != total || last != uint64(total) {
		t.Fatalf("appended %d events, delivered %d, last position %d; want %d of each", count, len(delivered), last, total)
	}
	head, err := follower.Head(ctx)
	if err != nil || head.Commit != uint64(total) {
		t.Fatalf("head %v (%v), want %d", head, err, total)
	}
	// Each stream holds revisions 0, 1, 2 … in position order.
	for i := range streams {
		stream := fmt.Sprintf("noskip-%d", i)
		records, err := follower.ReadStream(ctx, stream, 0)
		if err != nil {
			t.Fatal(err)
		}
		for j, r := range records {
			if r.Revision != uint64(j) || (j > 0 && !records[j-1].Position.Less(r.Position)) {
				t.Fatalf("%s: record %d has revision %d at %s", stream, j, r.Revision, r.Position)
			}
		}
	}
	var commits, stale, settles uint64
	for _, s := range stores {
		commits += s.w.commits.Load()
		stale += s.w.staleBatches.Load()
		settles += s.w.settles.Load()
	}
	if stale == 0 || conflicts.Load() == 0 {
		t.Errorf("%d batches refused for a moved stream, %d conflicts: the processes never raced, so the cross-process path went untested", stale, conflicts.Load())
	}
	t.Logf("%d events by %d processes × %d writers in %s (%.0f events/s): %d commits, %d batches refused for a moved stream, %d settled under the lock, %d conflicts retried",
		total, processes, writers, elapsed.Round(time.Millisecond), float64(total)/elapsed.Seconds(), commits, stale, settles, conflicts.Load())
}

var errEnough = fmt.Errorf("enough events")
