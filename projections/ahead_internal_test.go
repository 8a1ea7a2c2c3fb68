package projections

import (
	"context"
	"testing"

	"github.com/chance-video/chance/domain/codec"
	"github.com/chance-video/chance/eventlog"
)

// burstLog delivers a one-event batch at position 1, waits until it is taken, then
// delivers one-event batches at positions 2…n and says so on delivered.
type burstLog struct {
	n                uint64
	taken, delivered chan struct{}
}

func (l burstLog) Subscribe(ctx context.Context, after eventlog.Position, handle func(context.Context, []eventlog.Record) error) error {
	for i := after.Commit + 1; i <= l.n; i++ {
		rec := eventlog.Record{StreamID: "cart-1", Position: eventlog.Position{Commit: i, Prepare: i}}
		if err := handle(ctx, []eventlog.Record{rec}); err != nil {
			return err
		}
		if i == 1 {
			<-l.taken
		}
	}
	close(l.delivered)
	<-ctx.Done()
	return ctx.Err()
}

func (l burstLog) Head(context.Context) (eventlog.Position, error) {
	return eventlog.Position{Commit: l.n, Prepare: l.n}, nil
}

// ignoresAll is a projector that handles no event type.
type ignoresAll struct{}

func (ignoresAll) Name() string                               { return "ignores_all_v1" }
func (ignoresAll) Handles(string) bool                        { return false }
func (ignoresAll) Apply(context.Context, Writes, Event) error { return nil }

// A writer that was busy while the reader read on gets everything read meanwhile as
// one batch, not one transaction per batch.
func TestReadAheadMergesTheBatchesReadWhileTheWriterWasBusy(t *testing.T) {
	// Position 1, then as many batches as may wait for the writer.
	log := burstLog{n: aheadBatches + 1, taken: make(chan struct{}), delivered: make(chan struct{})}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var got []decoded
	err := readAhead(ctx, log, eventlog.Start, codec.Shop(), ignoresAll{}, func(_ context.Context, b decoded) error {
		got = append(got, b)
		if len(got) == 1 {
			close(log.taken)
			<-log.delivered // busy until the reader has read the rest
		}
		if b.last.Commit == log.n {
			cancel()
		}
		return nil
	})
	if err != context.Canceled {
		t.Fatalf("readAhead: %v", err)
	}
	if len(got) != 2 || got[0].size != 1 || got[1].size != aheadBatches || got[1].last.Commit != log.n {
		t.Fatalf("batches handled (size, last): %v, want (1, 1) then (%d, %d)", sizes(got), aheadBatches, log.n)
	}
}

func TestMergeWaitingStopsAtTheSpanLimit(t *testing.T) {
	batches := make(chan decoded, 3)
	for i := uint64(1); i <= 3; i++ {
		batches <- decoded{last: eventlog.Position{Commit: i * 1024}, size: 1024,
			events: []Event{{Record: eventlog.Record{Position: eventlog.Position{Commit: i * 1024}}}}}
	}
	first := <-batches
	b := mergeWaiting(first, batches)
	if b.size != 2048 || len(b.events) != 2 || b.last.Commit != 2048 || len(batches) != 1 {
		t.Fatalf("merged size %d, %d events, last %d, %d left waiting; want 2048, 2, 2048, 1", b.size, len(b.events), b.last.Commit, len(batches))
	}
}

func sizes(bs []decoded) [][2]uint64 {
	out := make([][2]uint64, 0, len(bs))
	for _, b := range bs {
		out = append(out, [2]uint64{uint64(b.size), b.last.Commit})
	}
	return out
}
