package carts_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain"
	"github.com/chance-video/chance/domain/cart"
	"github.com/chance-video/chance/infra/readstore/projectortest"
	"github.com/chance-video/chance/readmodel/carts"
)

func TestProject(t *testing.T) {
	at := time.Date(2026, 3, 14, 15, 0, 0, 0, time.UTC)
	user := func(name string) uuid.UUID { return uuid.NewSHA1(uuid.NameSpaceOID, []byte(name)) }
	a, b := uuid.New(), uuid.New()
	cartOf := func(u uuid.UUID) func(ctx context.Context, r carts.Reads) (any, error) {
		return func(ctx context.Context, r carts.Reads) (any, error) { return r.Cart(ctx, u) }
	}
	specs := []projectortest.Spec[carts.Reads]{
		{
			Name:  "no events, an empty cart",
			Read:  cartOf(user("nobody")),
			Then:  carts.Cart{UserID: user("nobody")},
			Given: nil,
		},
		{
			Name: "added items are listed in the order added",
			Given: []domain.Event{
				cart.ItemAdded{UserID: user("add"), Item: cart.Item{PremiereID: a, Hours: 48}, At: at},
				cart.ItemAdded{UserID: user("add"), Item: cart.Item{PremiereID: b, Hours: 3, StartsAt: at.Add(time.Hour)}, At: at},
			},
			Read: cartOf(user("add")),
			Then: carts.Cart{UserID: user("add"), Items: []carts.Item{{PremiereID: a, Hours: 48}, {PremiereID: b, Hours: 3, StartsAt: at.Add(time.Hour)}}},
		},
		{
			Name: "a changed item keeps its place",
			Given: []domain.Event{
				cart.ItemAdded{UserID: user("change"), Item: cart.Item{PremiereID: a, Hours: 48}, At: at},
				cart.ItemAdded{UserID: user("change"), Item: cart.Item{PremiereID: b, Hours: 3}, At: at},
				cart.ItemChanged{UserID: user("change"), Item: cart.Item{PremiereID: a, Hours: 5, StartsAt: at.Add(2 * time.Hour)}, At: at},
			},
			Read: cartOf(user("change")),
			Then: carts.Cart{UserID: user("change"), Items: []carts.Item{{PremiereID: a, Hours: 5, StartsAt: at.Add(2 * time.Hour)}, {PremiereID: b, Hours: 3}}},
		},
		{
			Name: "a removed item leaves",
			Given: []domain.Event{
				cart.ItemAdded{UserID: user("remove"), Item: cart.Item{PremiereID: a, Hours: 48}, At: at},
				cart.ItemAdded{UserID: user("remove"), Item: cart.Item{PremiereID: b, Hours: 3}, At: at},
				cart.ItemRemoved{UserID: user("remove"), PremiereID: a, At: at},
			},
			Read: cartOf(user("remove")),
			Then: carts.Cart{UserID: user("remove"), Items: []carts.Item{{PremiereID: b, Hours: 3}}},
		},
		{
			Name: "a checkout empties the cart of what it bought",
			Given: []domain.Event{
				cart.ItemAdded{UserID: user("checkout"), Item: cart.Item{PremiereID: a, Hours: 48}, At: at},
				cart.CheckedOut{UserID: user("checkout"), OrderID: uuid.New(), PremiereIDs: []uuid.UUID{a}, At: at},
			},
			Read: cartOf(user("checkout")),
			Then: carts.Cart{UserID: user("checkout")},
		},
		{
			Name: "carts of different customers are apart",
			Given: []domain.Event{
				cart.ItemAdded{UserID: user("one"), Item: cart.Item{PremiereID: a, Hours: 1}, At: at},
				cart.ItemAdded{UserID: user("two"), Item: cart.Item{PremiereID: b, Hours: 2}, At: at},
			},
			Read: cartOf(user("one")),
			Then: carts.Cart{UserID: user("one"), Items: []carts.Item{{PremiereID: a, Hours: 1}}},
		},
	}
	projectortest.Run(t, carts.Projector, specs)
}
