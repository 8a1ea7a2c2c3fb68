package queries

import (
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain"
)

// The view types below are what the HTTP API returns: their JSON names are the
// ones DESIGN.md §2 promises clients. Money is integer kopecks, times are UTC.

// utc shows a time in UTC, so it encodes as RFC 3339 with a Z.
func utc(t time.Time) time.Time { return t.UTC() }

// optionalTime is nil for the zero time, so JSON shows null rather than year 1.
func optionalTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	t = t.UTC()
	return &t
}

// optionalID is nil for the nil UUID, so JSON shows null rather than zeros.
func optionalID(id uuid.UUID) *uuid.UUID {
	if id == uuid.Nil {
		return nil
	}
	return &id
}

// invalidf is a 400 with a formatted detail.
func invalidf(format string, args ...any) error { return domain.Invalid(fmt.Sprintf(format, args...)) }
