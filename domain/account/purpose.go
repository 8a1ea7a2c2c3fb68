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
	Kind        PurposeKind
	PremiereID  uuid.UUID     // ForPremiere
	Title       string        // ForPremiere
	Terms       pricing.Terms // ForPremiere: the terms it was priced on, locked by a redeeming rent
	Hours       int           // ForPremiere, ForTermChange: the new term
	OrderID     uuid.UUID     // ForOrder
	Rentals     []RentalLine  // ForOrder: the rentals paid for
	ClearCart   bool          // ForOrder: the order came from the cart
	CartVersion int           // ForOrder from the cart: the cart's version it pays for
	RentalID    uuid.UUID     // ForTermChange, ForCancellation
	TermVersion int           // ForTermChange: the version the charge was priced on
	Compensates uuid.UUID     // ForCompensation: the payment whose step failed
}

// RentalLine is one rental an order pays for.
type RentalLine struct {
	RentalID   uuid.UUID
	PremiereID uuid.UUID
	Title      string
	Terms      pricing.Terms
	StartsAt   time.Time
	Hours      int
	Price      money.Kopecks
}

// Total is what the order's rentals cost.
func (p Purpose) Total() money.Kopecks {
	var total money.Kopecks
	for _, r := range p.Rentals {
		total += r.Price
	}
	return total
}
