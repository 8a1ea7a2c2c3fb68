package commands

import (
	"context"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain/cart"
	"github.com/chance-video/chance/eventlog"
)

// AddToCart puts a premiere on sale into the customer's cart.
func (s *Service) AddToCart(ctx context.Context, userID uuid.UUID, item cart.Item, req Request) (cart.State, eventlog.Position, error) {
	if err := s.onSale(ctx, item.PremiereID); err != nil {
		return cart.State{}, eventlog.Start, err
	}
	return s.cart(ctx, userID, cart.AddItem{UserID: userID, Item: item, Now: s.clock.Now()}, req)
}

// ChangeCartItem sets an item's term and start.
func (s *Service) ChangeCartItem(ctx context.Context, userID uuid.UUID, item cart.Item, req Request) (cart.State, eventlog.Position, error) {
	return s.cart(ctx, userID, cart.ChangeItem{UserID: userID, Item: item, Now: s.clock.Now()}, req)
}

// RemoveFromCart takes a premiere out of the cart.
func (s *Service) RemoveFromCart(ctx context.Context, userID, premiereID uuid.UUID, req Request) (cart.State, eventlog.Position, error) {
	return s.cart(ctx, userID, cart.RemoveItem{UserID: userID, PremiereID: premiereID, Now: s.clock.Now()}, req)
}

// loadCart folds a customer's cart.
func (s *Service) loadCart(ctx context.Context, userID uuid.UUID) (cart.State, error) {
	return load(ctx, s, cart.Decider, cart.Stream(userID))
}

func (s *Service) cart(ctx context.Context, userID uuid.UUID, cmd cart.Command, req Request) (cart.State, eventlog.Position, error) {
	out, err := execute(ctx, s, cart.Decider, cart.Stream(userID), cmd, req)
	return out.State, out.Position, err
}

// onSale checks that a premiere can be rented.
func (s *Service) onSale(ctx context.Context, id uuid.UUID) error {
	p, err := s.loadPremiere(ctx, id)
	if err != nil {
		return err
	}
	_, err = p.Quote(p.Terms.StandardHours)
	return err
}
