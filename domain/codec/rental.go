package codec

import (
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain/money"
	"github.com/chance-video/chance/domain/rental"
)

// Stored payloads of rentals.

type rentalRentedV1 struct {
	RentalID   uuid.UUID `json:"rental_id"`
	UserID     uuid.UUID `json:"user_id"`
	PremiereID uuid.UUID `json:"premiere_id"`
	Title      string    `json:"title"`
	Terms      termsV1   `json:"terms"`
	StartsAt   time.Time `json:"starts_at"`
	EndsAt     time.Time `json:"ends_at"`
	Hours      int       `json:"hours"`
	Price      int64     `json:"price"`
	Payment    uuid.UUID `json:"payment_id"`
	At         time.Time `json:"at"`
}

type rentalTermChangedV1 struct {
	RentalID    uuid.UUID `json:"rental_id"`
	UserID      uuid.UUID `json:"user_id"`
	PremiereID  uuid.UUID `json:"premiere_id"`
	FromHours   int       `json:"from_hours"`
	Hours       int       `json:"hours"`
	EndsAt      time.Time `json:"ends_at"`
	TermVersion int       `json:"term_version"`
	Delta       int64     `json:"delta"`
	Payment     uuid.UUID `json:"payment_id"`
	At          time.Time `json:"at"`
}

type rentalCancelledV1 struct {
	RentalID   uuid.UUID `json:"rental_id"`
	UserID     uuid.UUID `json:"user_id"`
	PremiereID uuid.UUID `json:"premiere_id"`
	Refund     int64     `json:"refund"`
	Payment    uuid.UUID `json:"payment_id"`
	At         time.Time `json:"at"`
}

type rentalReminderDueV1 struct {
	RentalID    uuid.UUID `json:"rental_id"`
	UserID      uuid.UUID `json:"user_id"`
	PremiereID  uuid.UUID `json:"premiere_id"`
	Title       string    `json:"title"`
	TermVersion int       `json:"term_version"`
	EndsAt      time.Time `json:"ends_at"`
	At          time.Time `json:"at"`
}

type rentalExpiredV1 struct {
	RentalID   uuid.UUID `json:"rental_id"`
	UserID     uuid.UUID `json:"user_id"`
	PremiereID uuid.UUID `json:"premiere_id"`
	EndsAt     time.Time `json:"ends_at"`
	At         time.Time `json:"at"`
}

func rentalSchemas() []Schema {
	return []Schema{
		Stored(func(e rental.Rented) rentalRentedV1 {
			return rentalRentedV1{RentalID: e.RentalID, UserID: e.UserID, PremiereID: e.PremiereID, Title: e.Title, Terms: storedTerms(e.Terms),
				StartsAt: e.StartsAt, EndsAt: e.EndsAt, Hours: e.Hours, Price: int64(e.Price), Payment: e.Payment, At: e.At}
		}, func(p rentalRentedV1) rental.Rented {
			return rental.Rented{RentalID: p.RentalID, UserID: p.UserID, PremiereID: p.PremiereID, Title: p.Title, Terms: p.Terms.terms(),
				StartsAt: p.StartsAt, EndsAt: p.EndsAt, Hours: p.Hours, Price: money.Kopecks(p.Price), Payment: p.Payment, At: p.At}
		}),
		Stored(func(e rental.TermChanged) rentalTermChangedV1 {
			return rentalTermChangedV1{RentalID: e.RentalID, UserID: e.UserID, PremiereID: e.PremiereID, FromHours: e.FromHours, Hours: e.Hours,
				EndsAt: e.EndsAt, TermVersion: e.TermVersion, Delta: int64(e.Delta), Payment: e.Payment, At: e.At}
		}, func(p rentalTermChangedV1) rental.TermChanged {
			return rental.TermChanged{RentalID: p.RentalID, UserID: p.UserID, PremiereID: p.PremiereID, FromHours: p.FromHours, Hours: p.Hours,
				EndsAt: p.EndsAt, TermVersion: p.TermVersion, Delta: money.Kopecks(p.Delta), Payment: p.Payment, At: p.At}
		}),
		Stored(func(e rental.Cancelled) rentalCancelledV1 {
			return rentalCancelledV1{RentalID: e.RentalID, UserID: e.UserID, PremiereID: e.PremiereID, Refund: int64(e.Refund), Payment: e.Payment, At: e.At}
		}, func(p rentalCancelledV1) rental.Cancelled {
			return rental.Cancelled{RentalID: p.RentalID, UserID: p.UserID, PremiereID: p.PremiereID, Refund: money.Kopecks(p.Refund), Payment: p.Payment, At: p.At}
		}),
		Stored(func(e rental.ReminderDue) rentalReminderDueV1 {
			return rentalReminderDueV1{RentalID: e.RentalID, UserID: e.UserID, PremiereID: e.PremiereID, Title: e.Title, TermVersion: e.TermVersion,
				EndsAt: e.EndsAt, At: e.At}
		}, func(p rentalReminderDueV1) rental.ReminderDue {
			return rental.ReminderDue{RentalID: p.RentalID, UserID: p.UserID, PremiereID: p.PremiereID, Title: p.Title, TermVersion: p.TermVersion,
				EndsAt: p.EndsAt, At: p.At}
		}),
		Stored(func(e rental.Expired) rentalExpiredV1 {
			return rentalExpiredV1{RentalID: e.RentalID, UserID: e.UserID, PremiereID: e.PremiereID, EndsAt: e.EndsAt, At: e.At}
		}, func(p rentalExpiredV1) rental.Expired {
			return rental.Expired{RentalID: p.RentalID, UserID: p.UserID, PremiereID: p.PremiereID, EndsAt: p.EndsAt, At: p.At}
		}),
	}
}
