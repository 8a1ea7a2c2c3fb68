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
	Payments map[uuid.UUID]*Payment // every processed payment id: top-ups, debits, refunds, redemptions
}

// Initial is an account with nothing in it.
func Initial() State { return State{Payments: map[uuid.UUID]*Payment{}} }

// Processed reports whether a payment id was already applied.
func (s State) Processed(payment uuid.UUID) bool {
	_, ok := s.Payments[payment]
	return ok
}
