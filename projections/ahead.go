package projections

import (
	"context"
	"fmt"

	"github.com/chance-video/chance/domain/codec"
	"github.com/chance-video/chance/eventlog"
)

// decoded is a batch read from the log with the events a projector handles decoded.
type decoded struct {
	last   eventlog.Position
	size   int
	events []Event
}

// readAhead follows the log in its own goroutine, decoding each batch for p while
// the previous one is being written: reading and decoding the log and writing the
// read model run side by side instead of taking turns.
//
// The batches read while handle was busy are handed over as one (see merge): a live
// follower is woken by every commit of the log's writer, so under load its batches
// are a commit's few events each, and a follower that fell behind would otherwise
// spend a transaction (and its commit) on each of them and never catch up.
func readAhead(ctx context.Context, log Log, after eventlog.Position, c *codec.Codec, p Projector, handle func(context.Context, decoded) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	batches := make(chan decoded, aheadBatches)
	readErr := make(chan error, 1)
	go func() {
		defer close(batches)
		readErr <- log.Subscribe(ctx, after, func(ctx context.Context, batch []eventlog.Record) error {
			events, err := decodeFor(c, p, batch)
			if err != nil {
				return err
			}
			select {
			case batches <- decoded{last: batch[len(batch)-1].Position, size: len(batch), events: events}:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
	}()
	for b := range batches {
		b = mergeWaiting(b, batches)
		if err := handle(ctx, b); err != nil {
			cancel()
			for range batches { // let the reader finish
			}
			<-readErr
			return err
		}
	}
	return <-readErr
}

// decodeFor decodes the events of a batch that p handles.
func decodeFor(c *codec.Codec, p Projector, batch []eventlog.Record) ([]Event, error) {
	events := make([]Event, 0, len(batch))
	for _, rec := range batch {
		if !p.Handles(rec.Type) {
			continue
		}
		e, err := c.Decode(rec.Type, rec.Data)
		if err != nil {
			return nil, fmt.Errorf("%s@%d: %w", rec.StreamID, rec.Revision, err)
		}
		events = append(events, Event{Record: rec, Event: e})
	}
	return events, nil
}

// How far the reader may run ahead of the writer, in batches, and how many events of
// the log one merged batch may span. Live batches are a commit's few events, so four
// waiting cut a lagging follower's transactions by up to five; a catching-up follower
// holds at most 4 × 500 records more than the one it writes (memory budget), and two
// thousand events keep a transaction short for the queries waiting on it.
const (
	aheadBatches  = 4
	maxMergedSpan = 2048
)

// mergeWaiting appends to b the batches already waiting in batches until the merged
// batch spans maxMergedSpan events of the log or more. It never waits for one.
func mergeWaiting(b decoded, batches <-chan decoded) decoded {
	for b.size < maxMergedSpan {
		select {
		case next, ok := <-batches:
			if !ok {
				return b
			}
			b = merge(b, next)
		default:
			return b
		}
	}
	return b
}

// merge is a then b, b following a in the log.
func merge(a, b decoded) decoded {
	if len(a.events) == 0 {
		a.events = b.events
	} else {
		a.events = append(a.events, b.events...)
	}
	return decoded{last: b.last, size: a.size + b.size, events: a.events}
}
