package carts

import (
	"context"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain"
	"github.com/chance-video/chance/domain/cart"
	"github.com/chance-video/chance/projections"
)

// Projector keeps the carts read model.
var Projector = projections.NewModel(Name, Project, cart.Events()...)

// Project folds the event into the stored items with the cart's own Evolve, so the
// read model can never disagree with the aggregate about what a cart holds.
func Project(ctx context.Context, w Writes, e projections.Event) error {
	user := owner(e.Event)
	stored, err := w.Cart(ctx, user)
	if err != nil {
		return err
	}
	state := cart.Initial()
	for _, it := range stored.Items {
		state.Items = append(state.Items, cart.Item{PremiereID: it.PremiereID, Hours: it.Hours, StartsAt: it.StartsAt})
	}
	state = cart.Evolve(state, e.Event)
	rows := make([]Item, len(state.Items))
	for i, it := range state.Items {
		rows[i] = Item{PremiereID: it.PremiereID, Hours: it.Hours, StartsAt: it.StartsAt}
	}
	return w.PutCart(ctx, Cart{UserID: user, Items: rows})
}

func owner(e domain.Event) uuid.UUID {
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
