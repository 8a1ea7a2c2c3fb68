package appendlog

import (
	"fmt"

	"github.com/google/uuid"

	"github.com/chance-video/chance/eventlog"
)

// Check checks an append to stream and encodes its events with encode, in the caller's
// goroutine so that a store's single writer spends its time on the database only. ids
// and rows are in the events' order. A malformed append is an eventlog.ErrInvalidAppend.
func Check[R any](stream string, events []eventlog.EventData, encode func(eventlog.EventData) (R, error)) (ids []uuid.UUID, rows []R, err error) {
	invalid := func(format string, args ...any) error {
		return fmt.Errorf("append to %q: %s: %w", stream, fmt.Sprintf(format, args...), eventlog.ErrInvalidAppend)
	}
	if stream == "" {
		return nil, nil, invalid("empty stream name")
	}
	if len(events) == 0 {
		return nil, nil, invalid("no events")
	}
	ids, rows = make([]uuid.UUID, len(events)), make([]R, len(events))
	seen := make(map[uuid.UUID]struct{}, len(events))
	for i, e := range events {
		switch {
		case e.ID == uuid.Nil:
			return nil, nil, invalid("event %d has no id", i)
		case e.Type == "":
			return nil, nil, invalid("event %s has no type", e.ID)
		}
		if _, dup := seen[e.ID]; dup {
			return nil, nil, invalid("event id %s appears twice", e.ID)
		}
		seen[e.ID] = struct{}{}
		r, err := encode(e)
		if err != nil {
			return nil, nil, fmt.Errorf("append to %s: %w", stream, err)
		}
		ids[i], rows[i] = e.ID, r
	}
	return ids, rows, nil
}
