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
	RentalID   uuid.UUID     `json:"rental_id"`
	UserID     uuid.UUID     `json:"user_id"`
	PremiereID uuid.UUID     `json:"premiere_id"`
	Title      string        `json:"title"`
	Terms      pricing.Terms `json:"terms"`
	StartsAt   time.Time     `json:"starts_at"`
	EndsAt     time.Time     `json:"ends_at"`
	Hours      int           `json:"hours"`
	Price      money.Kopecks `json:"price"`
	Payment    uuid.UUID     `json:"payment_id"`
	At         time.Time     `json:"at"`
}

// TermChanged: the term now lasts Hours; Delta was charged (> 0) or is to be refunded (< 0).
type TermChanged struct {
	RentalID    uuid.UUID     `json:"rental_id"`
	UserID      uuid.UUID     `json:"user_id"`
	PremiereID  uuid.UUID     `json:"premiere_id"`
	FromHours   int           `json:"from_hours"`
	Hours       int           `json:"hours"`
	EndsAt      time.Time     `json:"ends_at"`
	TermVersion int           `json:"term_version"`
	Delta       money.Kopecks `json:"delta"`
	Payment     uuid.UUID     `json:"payment_id"`
	At          time.Time     `json:"at"`
}

// Cancelled: the rental ended early; Refund goes back to the balance.
type Cancelled struct {
	RentalID   uuid.UUID     `json:"rental_id"`
	UserID     uuid.UUID     `json:"user_id"`
	PremiereID uuid.UUID     `json:"premiere_id"`
	Refund     money.Kopecks `json:"refund"`
	Payment    uuid.UUID     `json:"payment_id"`
	At         time.Time     `json:"at"`
}

// ReminderDue: the term's end is near; sent once per term version.
type ReminderDue struct {
	RentalID    uuid.UUID `json:"rental_id"`
	UserID      uuid.UUID `json:"user_id"`
	PremiereID  uuid.UUID `json:"premiere_id"`
	Title       string    `json:"title"`
	TermVersion int       `json:"term_version"`
	EndsAt      time.Time `json:"ends_at"`
	At          time.Time `json:"at"`
}

// Expired: the term has ended.
type Expired struct {
	RentalID   uuid.UUID `json:"rental_id"`
	UserID     uuid.UUID `json:"user_id"`
	PremiereID uuid.UUID `json:"premiere_id"`
	EndsAt     time.Time `json:"ends_at"`
	At         time.Time `json:"at"`
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
