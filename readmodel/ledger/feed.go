package ledger

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/chance-video/chance/domain/codec"
	"github.com/chance-video/chance/integration"
	"github.com/chance-video/chance/projections"
)

// FeedHandler is the billing history's consumer of integration.TopicAccounts when the
// history is fed from the bus (Kafka): its consumer group there.
//
// WARNING: renaming it makes a new consumer group that reads the whole accounts topic
// again (harmless, lines are kept once per event id, but as long as the topic is) and
// leaves its dead letters without a handler to requeue them to.
const FeedHandler = "chance.billing-history"

// Feed applies account event messages to the billing history, each in one read-store
// transaction with the same Project the projection runs: the line, keyed by the event
// id (the message id), and how far its account stream is applied commit together, so a
// redelivered message changes nothing.
//
// Messages of different accounts arrive in any order across Kafka partitions, so the
// projection's checkpoint (a log position) means nothing here: Feed leaves it where it
// is, for the catch-up from the log at start and after a rebuild (CatchUp).
type Feed struct {
	Store projections.Store
	Log   *slog.Logger
	// Pauses between tries while the store refuses a write: the first, doubling up to
	// the last.
	FirstPause, MaxPause time.Duration
	codec                *codec.Codec
}

// NewFeed is the billing history's consumer over store.
func NewFeed(store projections.Store, log *slog.Logger) *Feed {
	return &Feed{Store: store, Log: log, FirstPause: 100 * time.Millisecond, MaxPause: 5 * time.Second, codec: codec.Shop()}
}

// Handle applies one account event message.
func (f *Feed) Handle(ctx context.Context, m *message.Message) error {
	rec, err := integration.Decode(m)
	if err != nil {
		return err
	}
	// Every account event is applied (Project records how far its stream is, with a
	// line or without); one of a type this version cannot read fails, and is
	// dead-lettered for an admin rather than silently skipped.
	e, err := f.codec.Decode(rec.Type, rec.Data)
	if err != nil {
		return fmt.Errorf("billing history: %s@%d: %w", rec.StreamID, rec.Revision, err)
	}
	return f.applyUntilStored(ctx, projections.Event{Record: rec, Event: e})
}

// applyUntilStored applies e, trying again while the store refuses, until ctx ends.
// A store error is never the message's fault: dead-lettering the line after a short
// outage would leave a hole the stream's next event then hides (its revision passes
// over it), so the feed waits for the store, as the projection runner would.
func (f *Feed) applyUntilStored(ctx context.Context, e projections.Event) error {
	pause := f.FirstPause
	for attempt := 1; ; attempt++ {
		err := f.apply(ctx, e)
		if err == nil || ctx.Err() != nil {
			return err
		}
		f.Log.Warn("billing history not stored; trying again", "stream", e.StreamID, "revision", e.Revision,
			"attempt", attempt, "pause", pause, "error", err)
		select {
		case <-ctx.Done():
			return err
		case <-time.After(pause):
		}
		pause = min(2*pause, f.MaxPause)
	}
}

func (f *Feed) apply(ctx context.Context, e projections.Event) error {
	// The checkpoint is written back as it is (see Feed); a catch-up moving it
	// meanwhile may see it moved back, and then applies a stretch twice, harmlessly.
	at, err := f.Store.Checkpoint(ctx, Name)
	if err != nil {
		return fmt.Errorf("billing history: %w", err)
	}
	return f.Store.Update(ctx, Name, at, func(tx projections.Writes) error {
		if err := Projector.Apply(ctx, tx, e); err != nil {
			return fmt.Errorf("billing history: %s@%d (%s): %w", e.StreamID, e.Revision, e.Type, err)
		}
		return nil
	})
}
