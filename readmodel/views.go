package readmodel

import (
	"time"

	"github.com/google/uuid"
)

// What the read models' views (the HTTP API's JSON, DESIGN.md §2) share: money is
// integer kopecks, times are UTC, and a missing time or id shows as null.

// OptionalTime is nil for the zero time, so JSON shows null rather than year 1, and
// otherwise the time in UTC, so it encodes as RFC 3339 with a Z.
func OptionalTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	t = t.UTC()
	return &t
}

// OptionalID is nil for the nil UUID, so JSON shows null rather than zeros.
func OptionalID(id uuid.UUID) *uuid.UUID {
	if id == uuid.Nil {
		return nil
	}
	return &id
}
