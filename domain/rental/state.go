package rental

import (
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain/money"
	"github.com/chance-video/chance/domain/pricing"
	"github.com/chance-video/chance/domain/term"
)

// Status of a rental at a moment.
const (
	StatusUpcoming  = "upcoming"
	StatusActive    = "active"
	StatusEnded     = "ended"
	StatusCancelled = "cancelled"
)

// State is a rental folded from its events.
type State struct {
	ID              uuid.UUID
	UserID          uuid.UUID
	PremiereID      uuid.UUID
	Title           string
	Terms           pricing.Terms // locked when rented
	StartsAt        time.Time
	Hours           int
	TermVersion     int // 1 when rented, +1 per term change
	RemindedVersion int // the term version whose reminder is recorded; 0 for none
	Cancelled       bool
	Expired         bool
}

// Initial is the state of a rental not yet rented.
func Initial() State { return State{} }

// Exists reports whether the rental was rented.
func (s State) Exists() bool { return s.TermVersion > 0 }

// EndsAt is when the current term ends.
func (s State) EndsAt() time.Time { return term.End(s.StartsAt, s.Hours) }

// Paid is what the rental has cost so far: always the quote of its current term.
func (s State) Paid() money.Kopecks { return s.Terms.Quote(s.Hours) }

// Ended reports whether the rental no longer holds its premiere at now.
func (s State) Ended(now time.Time) bool {
	return s.Cancelled || s.Expired || !now.Before(s.EndsAt())
}

// Status says where the rental stands at now.
func (s State) Status(now time.Time) string {
	switch {
	case s.Cancelled:
		return StatusCancelled
	case s.Ended(now):
		return StatusEnded
	case now.Before(s.StartsAt):
		return StatusUpcoming
	default:
		return StatusActive
	}
}

// ReminderAt is when the current term's reminder is due.
func (s State) ReminderAt() time.Time { return term.ReminderAt(s.StartsAt, s.Hours) }
