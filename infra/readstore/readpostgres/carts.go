package readpostgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/chance-video/chance/readmodel/carts"
)

// Carts: a row per customer, the items as one JSON array.

var _ = register(model{
	name: carts.Name,
	layout: `-- A cart is read and written whole and holds at most cart.MaxItems items: one JSON
-- array, not a row per item.
CREATE TABLE carts (
    user_id uuid  PRIMARY KEY,
    items   jsonb NOT NULL
);
`,
	writes: func(t *tx) modelWrites { return &cartWrites{t: t} },
})

const upsertCarts = `INSERT INTO {s}.carts (user_id, items)
	SELECT u.user_id, u.items::jsonb FROM unnest($1::uuid[], $2::text[]) AS u(user_id, items)
	ON CONFLICT (user_id) DO UPDATE SET items = excluded.items`

const selectCart = `SELECT items FROM {s}.carts WHERE user_id = $1`

// cartWrites is carts.Writes on one Update: the carts put, buffered until commit.
type cartWrites struct {
	t     *tx
	carts buffer[uuid.UUID, carts.Cart]
}

var (
	_ carts.Writes = (*cartWrites)(nil)
	_ carts.Reads  = (*Store)(nil)
)

func (w *cartWrites) PutCart(ctx context.Context, c carts.Cart) error {
	items := make([]carts.Item, len(c.Items))
	for i, it := range c.Items {
		if !it.StartsAt.IsZero() {
			it.StartsAt = it.StartsAt.UTC() // times read back in UTC, like every other column
		}
		items[i] = it
	}
	w.carts.put(c.UserID, carts.Cart{UserID: c.UserID, Items: items})
	return nil
}

// Cart reads a cart inside the transaction (the projector folds events into it).
func (w *cartWrites) Cart(ctx context.Context, user uuid.UUID) (carts.Cart, error) {
	if c, ok := w.carts.get(user); ok {
		if len(c.Items) == 0 {
			c.Items = nil
		}
		return c, nil
	}
	return oneCart(w.t.queryRow(ctx, selectCart, uuidArg(user)), user)
}

func (w *cartWrites) flush(b *pgx.Batch) error {
	n := w.carts.len()
	if n == 0 {
		return nil
	}
	users, items := make([][16]byte, 0, n), make([]string, 0, n)
	var err error
	w.carts.each(func(c carts.Cart) {
		encoded, jerr := json.Marshal(c.Items)
		if jerr != nil && err == nil {
			err = fmt.Errorf("put cart of %s: %w", c.UserID, jerr)
		}
		users, items = append(users, uuidArg(c.UserID)), append(items, string(encoded))
	})
	if err != nil {
		return err
	}
	b.Queue(w.t.gen.sql(upsertCarts), users, items)
	return nil
}

// Cart is a customer's cart; an empty one for a customer who never had one.
func (s *Store) Cart(ctx context.Context, user uuid.UUID) (c carts.Cart, err error) {
	err = s.read(ctx, carts.Name, func(g *generation) error {
		c, err = oneCart(s.pool.QueryRow(ctx, g.sql(selectCart), uuidArg(user)), user)
		return err
	})
	return c, err
}

func oneCart(row pgx.Row, user uuid.UUID) (carts.Cart, error) {
	c := carts.Cart{UserID: user}
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
