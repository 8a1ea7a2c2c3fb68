// Package cart decides a customer's cart: at most one item per premiere, each with a
// term and an optional start, at most MaxItems items, cleared of what an order bought.
// Stream: "cart-<user id>".
package cart

import (
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain"
	"github.com/chance-video/chance/domain/idmap"
	"github.com/chance-video/chance/domain/term"
)

// Stream names a customer's cart stream.
func Stream(user uuid.UUID) string { return "cart-" + user.String() }

// MaxItems bounds a cart.
const MaxItems = 50

// Item is a premiere the customer means to rent. A zero StartsAt means "when paid".
// It has no JSON form: stored events (domain/codec) and the carts read model
// (readmodel/carts) each keep their own.
type Item struct {
	PremiereID uuid.UUID
	Hours      int
	StartsAt   time.Time
}

// Command is one of the commands below.
type Command interface{ isCartCommand() }

// AddItem puts a premiere in the cart.
type AddItem struct {
	UserID uuid.UUID
	Item   Item
	Now    time.Time
}

// ChangeItem sets an item's term and start.
type ChangeItem struct {
	UserID uuid.UUID
	Item   Item
	Now    time.Time
}

// RemoveItem takes a premiere out of the cart.
type RemoveItem struct {
	UserID     uuid.UUID
	PremiereID uuid.UUID
	Now        time.Time
}

// CheckOut removes the premieres an order bought.
type CheckOut struct {
	UserID      uuid.UUID
	OrderID     uuid.UUID
	PremiereIDs []uuid.UUID
	Now         time.Time
}

func (AddItem) isCartCommand()    {}
func (ChangeItem) isCartCommand() {}
func (RemoveItem) isCartCommand() {}
func (CheckOut) isCartCommand()   {}

// ItemAdded: a premiere is in the cart.
type ItemAdded struct {
	UserID uuid.UUID
	Item   Item
	At     time.Time
}

// ItemChanged: an item has a new term or start.
type ItemChanged struct {
	UserID uuid.UUID
	Item   Item
	At     time.Time
}

// ItemRemoved: a premiere left the cart.
type ItemRemoved struct {
	UserID     uuid.UUID
	PremiereID uuid.UUID
	At         time.Time
}

// CheckedOut: an order bought these premieres, which left the cart.
type CheckedOut struct {
	UserID      uuid.UUID
	OrderID     uuid.UUID
	PremiereIDs []uuid.UUID
	At          time.Time
}

func (ItemAdded) EventType() string   { return "cart.item_added.v1" }
func (ItemChanged) EventType() string { return "cart.item_changed.v1" }
func (ItemRemoved) EventType() string { return "cart.item_removed.v1" }
func (CheckedOut) EventType() string  { return "cart.checked_out.v1" }

// Events lists one value of each event type, for the codec.
func Events() []domain.Event {
	return []domain.Event{ItemAdded{}, ItemChanged{}, ItemRemoved{}, CheckedOut{}}
}

// State is a cart folded from its events.
type State struct {
	Items  []Item                     // in the order they were added; never written in place
	Orders idmap.Map[uuid.UUID, bool] // orders already checked out (persistent: states are shared)
	// Version counts the cart's events: it names one content of the cart, so a
	// checkout can record which content it paid for and a second one of the same
	// content can be refused.
	Version int
	// CheckedOutBy is the order whose check-out is the cart's last change, if it is.
	CheckedOutBy uuid.UUID
}

// Initial is an empty cart.
func Initial() State { return State{} }

// Find returns the item for a premiere and its index, or -1.
func (s State) Find(premiere uuid.UUID) (Item, int) {
	for i, it := range s.Items {
		if it.PremiereID == premiere {
			return it, i
		}
	}
	return Item{}, -1
}

// Decider is the cart aggregate.
var Decider = domain.Decider[State, Command]{Initial: Initial, Decide: Decide, Evolve: Evolve, Version: 1}

// Errors a cart decides, beyond bad input.
var (
	ErrNotInCart = domain.NotFound("this premiere is not in the cart")
	ErrInCart    = domain.Conflict("this premiere is already in the cart with another term; change the item instead")
	ErrFull      = domain.Conflict(fmt.Sprintf("a cart holds at most %d premieres", MaxItems))
)

// Decide applies the cart rules to a command.
func Decide(c Command, s State) ([]domain.Event, error) {
	switch c := c.(type) {
	case AddItem:
		if err := checkItem(c.Item, c.Now); err != nil {
			return nil, err
		}
		if existing, i := s.Find(c.Item.PremiereID); i >= 0 {
			if sameItem(existing, c.Item) {
				return nil, nil // already in the cart like this
			}
			return nil, ErrInCart
		}
		if len(s.Items) >= MaxItems {
			return nil, ErrFull
		}
		return []domain.Event{ItemAdded{UserID: c.UserID, Item: c.Item, At: c.Now}}, nil
	case ChangeItem:
		existing, i := s.Find(c.Item.PremiereID)
		if i < 0 {
			return nil, ErrNotInCart
		}
		if err := checkItem(c.Item, c.Now); err != nil {
			return nil, err
		}
		if sameItem(existing, c.Item) {
			return nil, nil
		}
		return []domain.Event{ItemChanged{UserID: c.UserID, Item: c.Item, At: c.Now}}, nil
	case RemoveItem:
		if _, i := s.Find(c.PremiereID); i < 0 {
			return nil, ErrNotInCart
		}
		return []domain.Event{ItemRemoved{UserID: c.UserID, PremiereID: c.PremiereID, At: c.Now}}, nil
	case CheckOut:
		if s.Orders.Has(c.OrderID) {
			return nil, nil // this order already cleared its items
		}
		var bought []uuid.UUID
		for _, p := range c.PremiereIDs {
			if _, i := s.Find(p); i >= 0 {
				bought = append(bought, p)
			}
		}
		return []domain.Event{CheckedOut{UserID: c.UserID, OrderID: c.OrderID, PremiereIDs: bought, At: c.Now}}, nil
	default:
		return nil, fmt.Errorf("cart: unknown command %T", c)
	}
}

func checkItem(it Item, now time.Time) error {
	if err := term.CheckHours(it.Hours); err != nil {
		return err
	}
	if !it.StartsAt.IsZero() {
		return term.CheckStart(it.StartsAt, now)
	}
	return nil
}

func sameItem(a, b Item) bool {
	return a.PremiereID == b.PremiereID && a.Hours == b.Hours && a.StartsAt.Equal(b.StartsAt)
}

// Evolve records a fact in the state; it checks nothing. It returns a new state and
// never changes the one it is given (nor its Items' array).
func Evolve(s State, e domain.Event) State {
	s.Version++
	s.CheckedOutBy = uuid.Nil
	switch e := e.(type) {
	case ItemAdded:
		s.Items = append(s.Items[:len(s.Items):len(s.Items)], e.Item)
	case ItemChanged:
		if _, i := s.Find(e.Item.PremiereID); i >= 0 {
			s.Items = slices.Clone(s.Items)
			s.Items[i] = e.Item
		}
	case ItemRemoved:
		s.Items = remove(s.Items, e.PremiereID)
	case CheckedOut:
		for _, p := range e.PremiereIDs {
			s.Items = remove(s.Items, p)
		}
		s.Orders = s.Orders.Set(e.OrderID, true)
		s.CheckedOutBy = e.OrderID
	}
	return s
}

func remove(items []Item, premiere uuid.UUID) []Item {
	kept := items[:0:0]
	for _, it := range items {
		if it.PremiereID != premiere {
			kept = append(kept, it)
		}
	}
	return kept
}
