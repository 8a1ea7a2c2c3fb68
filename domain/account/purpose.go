package account

import (
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain/money"
	"github.com/chance-video/chance/domain/pricing"
)

// PurposeKind says what money moved for.
type PurposeKind string

// Purposes of debits and refunds.
const (
	// ForPremiere: a plain withdrawal for a premiere and term, later redeemable by a rent.
	ForPremiere PurposeKind = "premiere"
	// ForOrder: a debit paying for the rentals it lists (a rent or a cart checkout).
	ForOrder PurposeKind = "order"
	// ForTermChange: the difference of a term change, charged or refunded.
	ForTermChange PurposeKind = "term_change"
	// ForCancellation: the refund of a cancelled rental.
	ForCancellation PurposeKind = "cancellation"
	// ForCompensation: money returned because a paid step could not be done.
	ForCompensation PurposeKind = "compensation"
)

// Purpose is what a debit or refund is for. A debit that starts a multi-step flow
// carries everything the flow's later steps need, so a flow interrupted by a crash
// can be completed from the ledger alone.
type Purpose struct {
	Kind        PurposeKind   `json:"kind"`
	PremiereID  uuid.UUID     `json:"premiere_id,omitzero"`   // ForPremiere
	Title       string        `json:"title,omitempty"`        // ForPremiere
	Terms       pricing.Terms `json:"terms,omitzero"`         // ForPremiere: the terms it was priced on, locked by a redeeming rent
	Hours       int           `json:"hours,omitempty"`        // ForPremiere, ForTermChange: the new term
	OrderID     uuid.UUID     `json:"order_id,omitzero"`      // ForOrder
	Rentals     []RentalLine  `json:"rentals,omitempty"`      // ForOrder: the rentals paid for
	ClearCart   bool          `json:"clear_cart,omitempty"`   // ForOrder: the order came from the cart
	CartVersion int           `json:"cart_version,omitempty"` // ForOrder from the cart: the cart's version it pays for
	RentalID    uuid.UUID     `json:"rental_id,omitzero"`     // ForTermChange, ForCancellation
	TermVersion int           `json:"term_version,omitempty"` // ForTermChange: the version the charge was priced on
	Compensates uuid.UUID     `json:"compensates,omitzero"`   // ForCompensation: the payment whose step failed
}

// RentalLine is one rental an order pays for.
type RentalLine struct {
	RentalID   uuid.UUID     `json:"rental_id"`
	PremiereID uuid.UUID     `json:"premiere_id"`
	Title      string        `json:"title"`
	Terms      pricing.Terms `json:"terms"`
	StartsAt   time.Time     `json:"starts_at"`
	Hours      int           `json:"hours"`
	Price      money.Kopecks `json:"price"`
}

// Total is what the order's rentals cost.
func (p Purpose) Total() money.Kopecks {
	var total money.Kopecks
	for _, r := range p.Rentals {
		total += r.Price
	}
	return total
}
