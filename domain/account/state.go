package account

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"

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
	// topUps holds the provider top-ups not paid yet: pending or expired; few, and
	// copied on write.
	topUps map[uuid.UUID]TopUp
}

// decision is what the account remembers of a payment id.
type decision uint8

const (
	wasMade          decision = iota + 1 // money moved (anything but a premiere withdrawal)
	wasDeclined                          // decided, moved no money: never redeemable
	wasForPremiere                       // a premiere withdrawal, redeemable (see redeemable)
	wasRedeemed                          // a premiere withdrawal already used by a rent
	wasPending                           // a provider top-up waiting to be paid (see topUps)
	wasExpired                           // a provider top-up that expired unpaid (see topUps)
	wasTopUpPaid                         // a provider top-up paid and credited
	wasTopUpDeclined                     // a provider top-up declined: never credited
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

// withTopUp returns s with an unpaid provider top-up added (t set) or removed.
func (s State) withTopUp(payment uuid.UUID, t *TopUp) State {
	next := maps.Clone(s.topUps)
	if t == nil {
		delete(next, payment)
	} else {
		if next == nil {
			next = map[uuid.UUID]TopUp{}
		}
		next[payment] = *t
	}
	s.topUps = next
	return s
}

// A State's snapshot form (see domain.Decider.Version: bump it when this changes) is
// binary, as a 10,000-payment account is read back in tens of microseconds: the
// balance (varint), the paid cart (version uvarint, order 16 bytes), the redeemable
// withdrawals (few: their JSON, after its length as a uvarint), the unpaid provider
// top-ups (the same way), then the decided payment ids (idmap's binary form, one byte
// of decision each).

// AppendSnapshot appends the state's snapshot form to b.
func (s State) AppendSnapshot(b []byte) ([]byte, error) {
	b = binary.AppendVarint(b, int64(s.Balance))
	b = binary.AppendUvarint(b, uint64(s.PaidCart.Version))
	b = append(b, s.PaidCart.Order[:]...)
	b, err := appendJSON(b, s.redeemable)
	if err != nil {
		return nil, fmt.Errorf("account state: redeemable: %w", err)
	}
	if b, err = appendJSON(b, s.topUps); err != nil {
		return nil, fmt.Errorf("account state: top-ups: %w", err)
	}
	return s.decided.AppendBinary(b, 1, func(dst []byte, d decision) { dst[0] = byte(d) }), nil
}

// ReadSnapshot reads what AppendSnapshot wrote, in place: the state keeps b (the
// decided payment ids are searched where they lie), which must never change afterwards.
func (s *State) ReadSnapshot(b []byte) error {
	balance, n := binary.Varint(b)
	if n <= 0 {
		return errors.New("account state: bad balance")
	}
	b = b[n:]
	cart, n := binary.Uvarint(b)
	if n <= 0 || cart > math.MaxInt32 || len(b) < n+16 {
		return errors.New("account state: bad paid cart")
	}
	next := State{Balance: money.Kopecks(balance), PaidCart: PaidCart{Version: int(cart), Order: uuid.UUID(b[n : n+16])}}
	b = b[n+16:]
	b, err := readJSON(b, &next.redeemable)
	if err != nil {
		return fmt.Errorf("account state: redeemable: %w", err)
	}
	if b, err = readJSON(b, &next.topUps); err != nil {
		return fmt.Errorf("account state: top-ups: %w", err)
	}
	decided, rest, err := idmap.ReadBinary[uuid.UUID](b, readDecision, checkDecision)
	if err != nil {
		return fmt.Errorf("account state: decided: %w", err)
	}
	if len(rest) > 0 {
		return fmt.Errorf("account state: %d bytes after the end", len(rest))
	}
	next.decided = decided
	*s = next
	return nil
}

// appendJSON appends a small map's JSON after its length (0 and nothing for an empty one).
func appendJSON[M ~map[uuid.UUID]V, V any](b []byte, m M) ([]byte, error) {
	if len(m) == 0 {
		return binary.AppendUvarint(b, 0), nil
	}
	j, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	b = binary.AppendUvarint(b, uint64(len(j)))
	return append(b, j...), nil
}

// readJSON reads what appendJSON wrote into m and returns the bytes after it.
func readJSON[M ~map[uuid.UUID]V, V any](b []byte, m *M) ([]byte, error) {
	size, n := binary.Uvarint(b)
	if n <= 0 || size > uint64(len(b)-n) {
		return nil, errors.New("bad length")
	}
	if size > 0 {
		if err := json.Unmarshal(b[n:n+int(size)], m); err != nil {
			return nil, err
		}
	}
	return b[n+int(size):], nil
}

func readDecision(b []byte) decision { return decision(b[0]) }

func checkDecision(b []byte) error {
	if len(b) != 1 || b[0] < byte(wasMade) || b[0] > byte(wasTopUpDeclined) {
		return errors.New("bad decision")
	}
	return nil
}
