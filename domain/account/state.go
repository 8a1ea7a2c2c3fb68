package account

import (
	"encoding/json"
	"maps"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain/idmap"
	"github.com/chance-video/chance/domain/money"
)

// Payment is a premiere withdrawal not yet redeemed: what a rent that redeems it must
// match, and the terms and price it keeps.
type Payment struct {
	Amount  money.Kopecks
	Purpose Purpose // Kind ForPremiere
}

// State is an account folded from its events. It keeps what decisions need and no
// more: the balance, every payment id it decided (a retry with one decides nothing;
// 17 bytes each), the premiere withdrawals still redeemable, and the last paid cart.
//
// A State is a value that Evolve never changes in place: states are cached and shared
// between goroutines (see domain.Decider).
type State struct {
	Balance money.Kopecks
	// decided is every payment id decided: made (top-ups, debits, refunds, redemptions)
	// or declined, with what a redemption must know of it.
	decided idmap.Map[uuid.UUID, decision]
	// redeemable holds the premiere withdrawals not yet redeemed; few, and copied on write.
	redeemable map[uuid.UUID]Payment
	// PaidCart is the latest cart content a checkout paid for.
	PaidCart PaidCart
}

// decision is what the account remembers of a payment id.
type decision uint8

const (
	wasMade        decision = iota + 1 // money moved (anything but a premiere withdrawal)
	wasDeclined                        // decided, moved no money: never redeemable
	wasForPremiere                     // a premiere withdrawal, redeemable (see redeemable)
	wasRedeemed                        // a premiere withdrawal already used by a rent
)

// PaidCart is a cart version and the order that paid for it.
type PaidCart struct {
	Version int // 0: no checkout recorded one
	Order   uuid.UUID
}

// Initial is an account with nothing in it.
func Initial() State { return State{} }

// Processed reports whether a payment id was already decided: made or declined.
func (s State) Processed(payment uuid.UUID) bool { return s.decided.Has(payment) }

// Declined reports whether the account declined a payment id.
func (s State) Declined(payment uuid.UUID) bool {
	d, _ := s.decided.Get(payment)
	return d == wasDeclined
}

// Withdrawal is a premiere withdrawal that a rent can still redeem.
func (s State) Withdrawal(payment uuid.UUID) (Payment, bool) {
	w, ok := s.redeemable[payment]
	return w, ok
}

// Payments counts the payment ids decided, declined ones included.
func (s State) Payments() int { return s.decided.Len() }

// CartPaidBy is the order that already paid for a cart version (or a later one), if any:
// a checkout of that version again would pay twice for one cart.
func (s State) CartPaidBy(version int) (uuid.UUID, bool) {
	if version == 0 || s.PaidCart.Version == 0 || version > s.PaidCart.Version {
		return uuid.Nil, false
	}
	return s.PaidCart.Order, true
}

// decide returns s having decided payment as d.
func (s State) decide(payment uuid.UUID, d decision) State {
	s.decided = s.decided.Set(payment, d)
	return s
}

// withRedeemable returns s with a redeemable withdrawal added (w set) or removed.
func (s State) withRedeemable(payment uuid.UUID, w *Payment) State {
	next := maps.Clone(s.redeemable)
	if w == nil {
		delete(next, payment)
	} else {
		if next == nil {
			next = map[uuid.UUID]Payment{}
		}
		next[payment] = *w
	}
	s.redeemable = next
	return s
}

// stateJSON is a State's snapshot form (see domain.Decider.Version).
type stateJSON struct {
	Balance    money.Kopecks                  `json:"balance"`
	Decided    idmap.Map[uuid.UUID, decision] `json:"decided"`
	Redeemable map[uuid.UUID]Payment          `json:"redeemable,omitempty"`
	PaidCart   PaidCart                       `json:"paid_cart"`
}

// MarshalJSON writes the state for a snapshot.
func (s State) MarshalJSON() ([]byte, error) {
	return json.Marshal(stateJSON{Balance: s.Balance, Decided: s.decided, Redeemable: s.redeemable, PaidCart: s.PaidCart})
}

// UnmarshalJSON reads a snapshot written by MarshalJSON.
func (s *State) UnmarshalJSON(data []byte) error {
	var j stateJSON
	if err := json.Unmarshal(data, &j); err != nil {
		return err
	}
	*s = State{Balance: j.Balance, decided: j.Decided, redeemable: j.Redeemable, PaidCart: j.PaidCart}
	return nil
}
