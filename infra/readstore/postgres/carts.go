package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/chance-video/chance/domain/cart"
	"github.com/chance-video/chance/readmodel"
)

// Carts (carts_v1): a row per customer, the items as one JSON array.

const upsertCarts = `INSERT INTO {s}.carts (user_id, items)
	SELECT u.user_id, u.items::jsonb FROM unnest($1::uuid[], $2::text[]) AS u(user_id, items)
	ON CONFLICT (user_id) DO UPDATE SET items = excluded.items`

const selectCart = `SELECT items FROM {s}.carts WHERE user_id = $1`

func (t *tx) PutCart(ctx context.Context, c readmodel.Cart) error {
	if err := t.allow(Carts, "PutCart"); err != nil {
		return err
	}
	items := make([]cart.Item, len(c.Items))
	for i, it := range c.Items {
		if !it.StartsAt.IsZero() {
			it.StartsAt = it.StartsAt.UTC() // times read back in UTC, like every other column
		}
		items[i] = it
	}
	t.carts.put(c.UserID, readmodel.Cart{UserID: c.UserID, Items: items})
	return nil
}

// Cart reads a cart inside the transaction (the projector folds events into it).
func (t *tx) Cart(ctx context.Context, user uuid.UUID) (readmodel.Cart, error) {
	if err := t.allow(Carts, "Cart"); err != nil {
		return readmodel.Cart{UserID: user}, err
	}
	if c, ok := t.carts.get(user); ok {
		if len(c.Items) == 0 {
			c.Items = nil
		}
		return c, nil
	}
	return oneCart(t.queryRow(ctx, selectCart, uuidArg(user)), user)
}

func (t *tx) flushCarts(b *pgx.Batch) error {
	n := t.carts.len()
	if n == 0 {
		return nil
	}
	users, items := make([][16]byte, 0, n), make([]string, 0, n)
	var err error
	t.carts.each(func(c readmodel.Cart) {
		encoded, jerr := json.Marshal(c.Items)
		if jerr != nil && err == nil {
			err = fmt.Errorf("put cart of %s: %w", c.UserID, jerr)
		}
		users, items = append(users, uuidArg(c.UserID)), append(items, string(encoded))
	})
	if err != nil {
		return err
	}
	b.Queue(t.gen.sql(upsertCarts), users, items)
	return nil
}

// Cart is a customer's cart; an empty one for a customer who never had one.
func (s *Store) Cart(ctx context.Context, user uuid.UUID) (c readmodel.Cart, err error) {
	err = s.read(ctx, Carts, func(g *generation) error {
		c, err = oneCart(s.pool.QueryRow(ctx, g.sql(selectCart), uuidArg(user)), user)
		return err
	})
	return c, err
}

func oneCart(row pgx.Row, user uuid.UUID) (readmodel.Cart, error) {
	c := readmodel.Cart{UserID: user}
	var items []byte
	err := row.Scan(&items)
	if errors.Is(err, pgx.ErrNoRows) {
		return c, nil
	}
	if err != nil {
		return c, fmt.Errorf("cart of %s: %w", user, err)
	}
	if err := json.Unmarshal(items, &c.Items); err != nil {
		return c, fmt.Errorf("cart of %s: %w", user, err)
	}
	if len(c.Items) == 0 {
		c.Items = nil
	}
	return c, nil
}
