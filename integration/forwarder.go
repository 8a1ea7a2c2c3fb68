package integration

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/chance-video/chance/eventlog"
)

// Log is what the forwarder needs of the event store.
type Log interface {
	Subscribe(ctx context.Context, after eventlog.Position, handle func(ctx context.Context, batch []eventlog.Record) error) error
}

// Checkpoints remember how far the forwarder has got.
type Checkpoints interface {
	Load(ctx context.Context, name string) (eventlog.Position, error)
	Save(ctx context.Context, name string, pos eventlog.Position) error
}

// Progress is told how far the forwarder has got.
type Progress interface {
	Set(name string, pos eventlog.Position)
}

// ForwarderName identifies the forwarder's checkpoint and progress.
//
// WARNING: renaming it makes the forwarder start from zero and publish the whole log
// again (consumers deduplicate by event id, but it takes as long as the log is big).
const ForwarderName = "forwarder_v1"

// Pauses bound how long the forwarder waits between attempts while the bus refuses
// its messages: First after the first failure, twice as long after each next one, at
// most Max.
type Pauses struct {
	First, Max time.Duration
}

func (p Pauses) withDefaults() Pauses {
	if p.First <= 0 {
		p.First = 100 * time.Millisecond
	}
	if p.Max < p.First {
		p.Max = max(p.First, 30*time.Second)
	}
	return p
}

// Forwarder publishes every event of the log, in log order, on its category's topic.
// The checkpoint moves only after the bus has acknowledged a batch, so a crash
// republishes (at least once) and never loses an event. While the bus is down it
// tries again with growing pauses, for as long as it takes: commands keep working
// meanwhile, because the log is the record.
type Forwarder struct {
	Log         Log
	Publisher   message.Publisher
	Checkpoints Checkpoints
	Progress    Progress // optional
	Pauses      Pauses
	Logger      *slog.Logger
}

// Run forwards every event after the checkpoint, then new ones, until ctx ends. A
// store that cannot be reached (eventlog.Unavailable: the database holding the
// checkpoint restarting, the network cut) does not end it: it goes on from the
// checkpoint after a pause, growing with each failure in a row (Pauses) — a batch
// whose checkpoint was not saved is published again, as after a crash.
func (f *Forwarder) Run(ctx context.Context) error {
	pauses := f.Pauses.withDefaults()
	pause := pauses.First
	for {
		started := time.Now()
		err := f.run(ctx)
		if ctx.Err() != nil || !eventlog.Unavailable(err) {
			return err
		}
		if time.Since(started) > 2*pauses.Max {
			pause = pauses.First // a new outage, not the same one going on
		}
		f.Logger.Warn("forwarder paused: a store cannot be reached; trying again from the checkpoint", "pause", pause, "error", err)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(pause):
		}
		pause = min(2*pause, pauses.Max)
	}
}

func (f *Forwarder) run(ctx context.Context) error {
	from, err := f.Checkpoints.Load(ctx, ForwarderName)
	if err != nil {
		return fmt.Errorf("forwarder checkpoint: %w", err)
	}
	f.report(from)
	return f.Log.Subscribe(ctx, from, func(ctx context.Context, batch []eventlog.Record) error {
		for _, rec := range batch {
			if err := f.forward(ctx, rec); err != nil {
				return err
			}
		}
		// A shutdown while publishing may have ended a consumer's handling before it
		// acked (the in-process bus then returns as if published): keep the checkpoint
		// where it was, so the next start publishes the batch again.
		if err := ctx.Err(); err != nil {
			return err
		}
		last := batch[len(batch)-1].Position
		if err := f.Checkpoints.Save(ctx, ForwarderName, last); err != nil {
			return fmt.Errorf("save the forwarder checkpoint: %w", err)
		}
		f.report(last)
		return nil
	})
}

// forward publishes one event, trying again until the bus takes it or ctx ends.
func (f *Forwarder) forward(ctx context.Context, rec eventlog.Record) error {
	topic, ok := TopicOf(rec.StreamID)
	if !ok {
		f.Logger.Warn("event of a stream of no known category not forwarded", "stream", rec.StreamID, "position", rec.Position.String())
		return nil
	}
	pause := f.Pauses.withDefaults().First
	for attempt := 1; ; attempt++ {
		err := f.Publisher.Publish(topic, Encode(rec))
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		f.Logger.Warn("event not forwarded; trying again", "topic", topic, "stream", rec.StreamID,
			"position", rec.Position.String(), "attempt", attempt, "pause", pause, "error", err)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(pause):
		}
		pause = min(2*pause, f.Pauses.withDefaults().Max)
	}
}

func (f *Forwarder) report(pos eventlog.Position) {
	if f.Progress != nil {
		f.Progress.Set(ForwarderName, pos)
	}
}
