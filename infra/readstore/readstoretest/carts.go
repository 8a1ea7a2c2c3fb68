package readstoretest

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/readmodel/carts"
)

// The carts read model's contract.

func canonCart(c carts.Cart) carts.Cart {
	c.Items = slices.Clone(nilIfEmpty(c.Items))
	for i := range c.Items {
		c.Items[i].StartsAt = utc(c.Items[i].StartsAt)
	}
	return c
}

func testCarts(t *testing.T, open func(t *testing.T) Store) {
	s := open(t)
	ctx := t.Context()
	user := uuid.New()
	empty, err := s.Cart(ctx, user)
	if err != nil || empty.UserID != user || len(empty.Items) != 0 {
		t.Errorf("cart of a customer without one: %+v, %v; want an empty cart of %s", empty, err, user)
	}
	full := carts.Cart{UserID: user, Items: []carts.Item{
		{PremiereID: uuid.New(), Hours: 48},                             // starts when paid
		{PremiereID: uuid.New(), Hours: 3, StartsAt: at.Add(time.Hour)}, // a chosen start
	}}
	write(t, s, carts.Name, 1, func(ctx context.Context, tx carts.Writes) error {
		got, err := tx.Cart(ctx, user)
		if err != nil || got.UserID != user || len(got.Items) != 0 {
			t.Errorf("tx cart before any write: %+v, %v", got, err)
		}
		if err := tx.PutCart(ctx, full); err != nil {
			return err
		}
		got, err = tx.Cart(ctx, user)
		if err != nil {
			return err
		}
		same(t, "tx cart after put", got, full, canonCart)
		return nil
	})
	got, err := s.Cart(ctx, user)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range got.Items {
		checkUTC(t, "cart item", it.StartsAt)
	}
	same(t, "cart", got, full, canonCart)

	// Emptied (checked out): the cart reads back empty.
	write(t, s, carts.Name, 2, func(ctx context.Context, tx carts.Writes) error {
		return tx.PutCart(ctx, carts.Cart{UserID: user})
	})
	if got, err := s.Cart(ctx, user); err != nil || len(got.Items) != 0 || got.UserID != user {
		t.Errorf("emptied cart: %+v, %v", got, err)
	}
}
