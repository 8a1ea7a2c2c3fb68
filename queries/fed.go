package queries

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
)

// Fed describes a read model fed from the bus instead of by this process's projection
// runner (the billing history on Kafka). Kafka's partitions deliver the events of
// different streams in any order, so no log position tells how far such a read model
// is; but one stream's events arrive in order, so a reader's wait covers the stream its
// own writes go to: it waits until the read model has applied that stream up to the
// revision the write side has now. Other streams' events (the whole history an auditor
// reads) are eventually consistent.
type Fed struct {
	// StreamOf is the stream a user's writes to this read model go to ("account-<id>").
	StreamOf func(user uuid.UUID) string
	// Written is the stream's last revision on the write side (false: no such stream).
	Written func(ctx context.Context, stream string) (uint64, bool, error)
	// Applied is the highest revision of the stream the read model has applied.
	Applied func(ctx context.Context, stream string) (uint64, bool, error)
}

// Pauses between two looks at a fed read model: short at first, then growing, so a
// read model that is a few milliseconds behind costs little and one that lags long is
// not polled hard.
const (
	firstFedPause = 2 * time.Millisecond
	maxFedPause   = 50 * time.Millisecond
)

// awaitFed waits until f has applied user's stream up to its revision on the write
// side, or ctx ends. A user who never wrote to it has nothing to wait for.
func awaitFed(ctx context.Context, user uuid.UUID, name string, f Fed) error {
	if user == uuid.Nil {
		return nil
	}
	stream := f.StreamOf(user)
	written, exists, err := f.Written(ctx, stream)
	if err != nil {
		// The write side cannot tell how far it is: answer from what the read model
		// has, as when it is merely slow.
		return fmt.Errorf("revision of %s: %w: %w", stream, ErrBehind, err)
	}
	if !exists {
		return nil
	}
	pause := firstFedPause
	for {
		applied, found, err := f.Applied(ctx, stream)
		if err != nil {
			return fmt.Errorf("%s: applied revision of %s: %w: %w", name, stream, ErrBehind, err)
		}
		if found && applied >= written {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s at revision %d of %s (applied: %v, %d): %w", name, written, stream, found, applied, ctx.Err())
		case <-time.After(pause):
		}
		pause = min(2*pause, maxFedPause)
	}
}
