package esdb

import (
	"context"
	"errors"
	"fmt"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"

	"github.com/chance-video/chance/eventlog"
)

// maxBatch bounds a batch: what has already arrived, up to this many events, goes to the
// handler in one call; a handler that commits a transaction per batch then keeps up.
const maxBatch = 500

// follower runs one subscription after another for Subscribe and remembers where the
// handler got to.
type follower struct {
	store  *Store
	last   eventlog.Position // of the last event the handler accepted
	handle func(context.Context, []eventlog.Record) error
}

// follow runs one catch-up subscription to $all after f.last until it drops or ctx ends;
// progressed says whether the handler accepted anything.
//
// The server filters out system event types; the client side drops events of system
// streams (a type filter lets ordinary-looking types in "$"-streams through) and anything
// not after f.last, so a resubscription can never deliver an event twice.
func (f *follower) follow(ctx context.Context) (progressed bool, err error) {
	client, err := f.store.conn.get()
	if err != nil {
		return false, err
	}
	sub, err := client.SubscribeToAll(ctx, esdb.SubscribeToAllOptions{
		From:   allPosition(f.last), // after it, exclusive, with both halves of the position
		Filter: esdb.ExcludeSystemEventsFilter(),
	})
	if err != nil {
		return false, fmt.Errorf("subscribe to $all after %s: %w", f.last, f.store.conn.failed(client, err))
	}
	events, stop := pump(sub)
	defer stop()
	for {
		batch, err := f.collect(ctx, events)
		if len(batch) > 0 {
			if handleErr := f.handle(ctx, batch); handleErr != nil {
				return progressed, finalError{handleErr}
			}
			f.last, progressed = batch[len(batch)-1].Position, true
		}
		if err != nil {
			return progressed, err
		}
	}
}

// pump receives from the subscription in its own goroutine, so that a batch can take what
// has already arrived without blocking on the network. stop closes the subscription and
// waits for the goroutine to end.
func pump(sub *esdb.Subscription) (events <-chan *esdb.SubscriptionEvent, stop func()) {
	out := make(chan *esdb.SubscriptionEvent, maxBatch)
	quit, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		for {
			ev := sub.Recv() // returns a drop once the subscription is closed
			select {
			case out <- ev:
			case <-quit:
				return
			}
			if ev.SubscriptionDropped != nil {
				return
			}
		}
	}()
	return out, func() {
		close(quit)
		_ = sub.Close() // always nil
		<-done
	}
}

// collect waits for the next message, then takes every event that has already arrived,
// up to maxBatch. It returns the batch and, when the subscription ended, why.
// Checkpoints and caught-up notices carry no event and are skipped.
func (f *follower) collect(ctx context.Context, events <-chan *esdb.SubscriptionEvent) ([]eventlog.Record, error) {
	var ev *esdb.SubscriptionEvent
	select {
	case ev = <-events:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	var batch []eventlog.Record
	cursor := f.last
	for {
		if dropped := ev.SubscriptionDropped; dropped != nil {
			err := dropped.Error
			if err == nil {
				err = errors.New("no reason given")
			}
			return batch, fmt.Errorf("subscription to $all dropped: %w", err)
		}
		if ev.EventAppeared != nil {
			e := ev.EventAppeared.Event
			if pos := fromPosition(e.Position); cursor.Less(pos) {
				cursor = pos
				if !isSystem(e) {
					r, err := fromRecorded(e)
					if err != nil {
						return batch, finalError{fmt.Errorf("subscription to $all: %w", err)}
					}
					batch = append(batch, r)
				}
			}
		}
		if len(batch) == maxBatch {
			return batch, nil
		}
		select {
		case ev = <-events:
		default:
			return batch, nil // nothing more has arrived: deliver what there is
		}
	}
}
