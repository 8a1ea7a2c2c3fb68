// Package rentals is the rentals read model: every rental with its current term, for
// "my premieres", the term query and the scheduler's due reminders and ends.
package rentals

import (
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain/money"
	"github.com/chance-video/chance/domain/term"
)

// Name is the projection's name and version, stored with its checkpoint and naming its
// tables in every store.
//
// WARNING: change the version (rentals_v1 → rentals_v2) whenever Project or the rows
// change what they hold: a new version is a fresh, empty projection rebuilt from
// position zero, never a migration of projected rows. This is the only place the name
// is written.
const Name = "rentals_v1"

// Rental is a rental as "my premieres" and the scheduler see it.
type Rental struct {
	ID              uuid.UUID
	UserID          uuid.UUID
	PremiereID      uuid.UUID
	Title           string
	StartsAt        time.Time
	Hours           int
	Paid            money.Kopecks
	PaymentID       uuid.UUID
	TermVersion     int
	RemindedVersion int
	Cancelled       bool
	Expired         bool
	UpdatedAt       time.Time
}

// EndsAt is when the term ends.
func (r Rental) EndsAt() time.Time { return term.End(r.StartsAt, r.Hours) }

// ReminderAt is when the term's reminder is due.
func (r Rental) ReminderAt() time.Time { return term.ReminderAt(r.StartsAt, r.Hours) }

// Rental statuses, as "my premieres" shows them.
const (
	StatusUpcoming  = "upcoming"
	StatusActive    = "active"
	StatusEnded     = "ended"
	StatusCancelled = "cancelled"
)

// Status is where the rental stands at now.
func (r Rental) Status(now time.Time) string {
	switch {
	case r.Cancelled:
		return StatusCancelled
	case r.Expired || !now.Before(r.EndsAt()):
		return StatusEnded
	case now.Before(r.StartsAt):
		return StatusUpcoming
	default:
		return StatusActive
	}
}

// RemainingSeconds is how much of the term is left at now (all of it before the start).
func (r Rental) RemainingSeconds(now time.Time) int64 {
	if r.Status(now) == StatusEnded || r.Cancelled {
		return 0
	}
	from := now
	if now.Before(r.StartsAt) {
		from = r.StartsAt
	}
	return int64(r.EndsAt().Sub(from) / time.Second)
}
