package codec

import (
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain/cart"
)

// Stored payloads of carts.

type cartItemAddedV1 struct {
	UserID uuid.UUID  `json:"user_id"`
	Item   cartItemV1 `json:"item"`
	At     time.Time  `json:"at"`
}

type cartItemChangedV1 struct {
	UserID uuid.UUID  `json:"user_id"`
	Item   cartItemV1 `json:"item"`
	At     time.Time  `json:"at"`
}

type cartItemRemovedV1 struct {
	UserID     uuid.UUID `json:"user_id"`
	PremiereID uuid.UUID `json:"premiere_id"`
	At         time.Time `json:"at"`
}

type cartCheckedOutV1 struct {
	UserID      uuid.UUID   `json:"user_id"`
	OrderID     uuid.UUID   `json:"order_id"`
	PremiereIDs []uuid.UUID `json:"premiere_ids"`
	At          time.Time   `json:"at"`
}

// cartItemV1 is a cart item inside a stored event. A zero start ("when paid") is left out.
type cartItemV1 struct {
	PremiereID uuid.UUID `json:"premiere_id"`
	Hours      int       `json:"hours"`
	StartsAt   time.Time `json:"starts_at,omitzero"`
}

func storedCartItem(it cart.Item) cartItemV1 {
	return cartItemV1{PremiereID: it.PremiereID, Hours: it.Hours, StartsAt: it.StartsAt}
}

func (p cartItemV1) item() cart.Item {
	return cart.Item{PremiereID: p.PremiereID, Hours: p.Hours, StartsAt: p.StartsAt}
}

func cartSchemas() []Schema {
	return []Schema{
		Stored(func(e cart.ItemAdded) cartItemAddedV1 {
			return cartItemAddedV1{UserID: e.UserID, Item: storedCartItem(e.Item), At: e.At}
		}, func(p cartItemAddedV1) cart.ItemAdded {
			return cart.ItemAdded{UserID: p.UserID, Item: p.Item.item(), At: p.At}
		}),
		Stored(func(e cart.ItemChanged) cartItemChangedV1 {
			return cartItemChangedV1{UserID: e.UserID, Item: storedCartItem(e.Item), At: e.At}
		}, func(p cartItemChangedV1) cart.ItemChanged {
			return cart.ItemChanged{UserID: p.UserID, Item: p.Item.item(), At: p.At}
		}),
		Stored(func(e cart.ItemRemoved) cartItemRemovedV1 {
			return cartItemRemovedV1{UserID: e.UserID, PremiereID: e.PremiereID, At: e.At}
		}, func(p cartItemRemovedV1) cart.ItemRemoved {
			return cart.ItemRemoved{UserID: p.UserID, PremiereID: p.PremiereID, At: p.At}
		}),
		Stored(func(e cart.CheckedOut) cartCheckedOutV1 {
			return cartCheckedOutV1{UserID: e.UserID, OrderID: e.OrderID, PremiereIDs: e.PremiereIDs, At: e.At}
		}, func(p cartCheckedOutV1) cart.CheckedOut {
			return cart.CheckedOut{UserID: p.UserID, OrderID: p.OrderID, PremiereIDs: p.PremiereIDs, At: p.At}
		}),
	}
}
