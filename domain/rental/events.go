package rental

import (
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain"
	"github.com/chance-video/chance/domain/money"
	"github.com/chance-video/chance/domain/pricing"
)

// Rented: the customer holds the premiere for the term, bought at Price under Terms.
type Rented struct {
	RentalID   uuid.UUID
	UserID     uuid.UUID
	PremiereID uuid.UUID
	Title      string
	Terms      pricing.Terms
	StartsAt   time.Time
	EndsAt     time.Time
	Hours      int
	Price      money.Kopecks
	Payment    uuid.UUID
	At         time.Time
}

// TermChanged: the term now lasts Hours; Delta was charged (> 0) or is to be refunded (< 0).
type TermChanged struct {
	RentalID    uuid.UUID
	UserID      uuid.UUID
	PremiereID  uuid.UUID
	FromHours   int
	Hours       int
	EndsAt      time.Time
	TermVersion int
	Delta       money.Kopecks
	Payment     uuid.UUID // the charge or refund; uuid.Nil when Delta is 0
	At          time.Time
}

// Cancelled: the rental ended early; Refund goes back to the balance.
type Cancelled struct {
	RentalID   uuid.UUID
	UserID     uuid.UUID
	PremiereID uuid.UUID
	Refund     money.Kopecks
	Payment    uuid.UUID // the refund's; uuid.Nil when Refund is 0 (no money moves)
	At         time.Time
}

// ReminderDue: the term's end is near; sent once per term version.
type ReminderDue struct {
	RentalID    uuid.UUID
	UserID      uuid.UUID
	PremiereID  uuid.UUID
	Title       string
	TermVersion int
	EndsAt      time.Time
	At          time.Time
}

// Expired: the term has ended.
type Expired struct {
	RentalID   uuid.UUID
	UserID     uuid.UUID
	PremiereID uuid.UUID
	EndsAt     time.Time
	At         time.Time
}

func (Rented) EventType() string      { return "rental.rented.v1" }
func (TermChanged) EventType() string { return "rental.term_changed.v1" }
func (Cancelled) EventType() string   { return "rental.cancelled.v1" }
func (ReminderDue) EventType() string { return "rental.reminder_due.v1" }
func (Expired) EventType() string     { return "rental.expired.v1" }

// Events lists one value of each event type, for the codec.
func Events() []domain.Event {
	return []domain.Event{Rented{}, TermChanged{}, Cancelled{}, ReminderDue{}, Expired{}}
}
