package readmodel

import (
	"github.com/google/uuid"

	"github.com/chance-video/chance/domain/account"
)

// What a payment was for, as the billing read models (accounts, ledger) record it.

// FirstRental is the rental a purpose is about: the term change's or cancellation's,
// or an order's only (or first) rental.
func FirstRental(p account.Purpose) uuid.UUID {
	if p.RentalID != uuid.Nil || len(p.Rentals) == 0 {
		return p.RentalID
	}
	return p.Rentals[0].RentalID
}

// DeclinedRental is the rental a declined debit was about, if it exists: a term change's.
// An order's rentals were never created, and their ids go to the next order that pays.
func DeclinedRental(d account.PaymentDeclined) uuid.UUID { return d.Purpose.RentalID }

// FirstPremiere is the premiere a purpose is about: its own, or an order's only (or
// first) rental's.
func FirstPremiere(p account.Purpose) uuid.UUID {
	if p.PremiereID != uuid.Nil || len(p.Rentals) == 0 {
		return p.PremiereID
	}
	return p.Rentals[0].PremiereID
}
