package projections

import (
	"context"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain"
	"github.com/chance-video/chance/domain/cart"
	"github.com/chance-video/chance/readmodel"
)

// Carts projects customers' carts.
type Carts struct{}

var cartEvents = handlesOf(cart.Events()...)

func (Carts) Name() string                  { return "carts_v1" }
func (Carts) Handles(eventType string) bool { return cartEvents.Handles(eventType) }

// Apply folds the event into the stored items with the cart's own Evolve, so the
// read model can never disagree with the aggregate about what a cart holds.
func (Carts) Apply(ctx context.Context, tx Tx, e Event) error {
	user := cartOwner(e.Event)
	stored, err := tx.Cart(ctx, user)
	if err != nil {
		return err
	}
	state := cart.Initial()
	state.Items = stored.Items
	state = cart.Evolve(state, e.Event)
	return tx.PutCart(ctx, readmodel.Cart{UserID: user, Items: state.Items})
}

func cartOwner(e domain.Event) uuid.UUID {
	switch ev := e.(type) {
	case cart.ItemAdded:
		return ev.UserID
	case cart.ItemChanged:
		return ev.UserID
	case cart.ItemRemoved:
		return ev.UserID
	case cart.CheckedOut:
		return ev.UserID
	}
	return uuid.Nil
}
