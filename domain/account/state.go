package account

import (
	"github.com/google/uuid"

	"github.com/chance-video/chance/domain/money"
)

// Payment is what the account remembers of a processed payment.
type Payment struct {
	Kind     PurposeKind // "" for a top-up
	Amount   money.Kopecks
	Purpose  Purpose
	Redeemed bool // a premiere withdrawal used by a rent
}

// State is an account folded from its events.
type State struct {
	Balance  money.Kopecks
	Payments map[uuid.UUID]*Payment // every payment that was made: top-ups, debits, refunds, redemptions
	// Declined holds the payment ids the account declined. They moved no money and are
	// never in Payments, but they are decided: a retry answers the same decline.
	Declined map[uuid.UUID]PaymentDeclined
	// PaidCart is the latest cart content a checkout paid for.
	PaidCart PaidCart
}

// PaidCart is a cart version and the order that paid for it.
type PaidCart struct {
	Version int // 0: no checkout recorded one
	Order   uuid.UUID
}

// Initial is an account with nothing in it.
func Initial() State {
	return State{Payments: map[uuid.UUID]*Payment{}, Declined: map[uuid.UUID]PaymentDeclined{}}
}

// Processed reports whether a payment id was already decided: made or declined.
func (s State) Processed(payment uuid.UUID) bool {
	_, made := s.Payments[payment]
	_, declined := s.Declined[payment]
	return made || declined
}

// CartPaidBy is the order that already paid for a cart version (or a later one), if any:
// a checkout of that version again would pay twice for one cart.
func (s State) CartPaidBy(version int) (uuid.UUID, bool) {
	if version == 0 || s.PaidCart.Version == 0 || version > s.PaidCart.Version {
		return uuid.Nil, false
	}
	return s.PaidCart.Order, true
}
