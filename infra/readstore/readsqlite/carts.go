package readsqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/google/uuid"

	"github.com/chance-video/chance/projections"
	"github.com/chance-video/chance/readmodel/carts"
)

// Carts: a row per customer, the items as one JSON array. A cart is always read and
// written whole, and holds at most cart.MaxItems items, so rows per item would only
// add joins.

var _ = register(model{
	name: carts.Name,
	schema: []string{
		`CREATE TABLE carts (
			user_id TEXT PRIMARY KEY,
			items   TEXT NOT NULL -- JSON array of carts.Item
		) WITHOUT ROWID`,
	},
	statements: []string{upsertCart, selectCart},
	writes:     func(t *tx) projections.Writes { return cartWrites{t} },
})

const upsertCart = `INSERT INTO carts (user_id, items) VALUES (?, ?)
	ON CONFLICT (user_id) DO UPDATE SET items = excluded.items`

const selectCart = `SELECT items FROM carts WHERE user_id = ?`

// cartWrites is carts.Writes on a transaction of the carts file.
type cartWrites struct{ t *tx }

var (
	_ carts.Writes = cartWrites{}
	_ carts.Reads  = (*Store)(nil)
)

func (w cartWrites) PutCart(ctx context.Context, c carts.Cart) error {
	items := make([]carts.Item, len(c.Items))
	for i, it := range c.Items {
		if !it.StartsAt.IsZero() {
			it.StartsAt = it.StartsAt.UTC() // times read back in UTC, like every other column
		}
		items[i] = it
	}
	encoded, err := jsonArg(items)
	if err != nil {
		return fmt.Errorf("put cart of %s: %w", c.UserID, err)
	}
	if err := w.t.exec(ctx, upsertCart, uuidArg(c.UserID), encoded); err != nil {
		return fmt.Errorf("put cart of %s: %w", c.UserID, err)
	}
	return nil
}

// Cart reads a cart inside the transaction (the projector folds events into it).
func (w cartWrites) Cart(ctx context.Context, user uuid.UUID) (carts.Cart, error) {
	row, err := w.t.queryRow(ctx, selectCart, uuidArg(user))
	if err != nil {
		return carts.Cart{UserID: user}, fmt.Errorf("cart of %s: %w", user, err)
	}
	return oneCart(row, user)
}

// Cart is a customer's cart; an empty one for a customer who never had one.
func (s *Store) Cart(ctx context.Context, user uuid.UUID) (carts.Cart, error) {
	g, release, err := s.serving(carts.Name)
	if err != nil {
		return carts.Cart{UserID: user}, err
	}
	defer release()
	return oneCart(g.read.QueryRowContext(ctx, selectCart, uuidArg(user)), user)
}

func oneCart(row *sql.Row, user uuid.UUID) (carts.Cart, error) {
	c := carts.Cart{UserID: user}
	var items string
	err := row.Scan(&items)
	if errors.Is(err, sql.ErrNoRows) {
		return c, nil
	}
	if err != nil {
		return c, fmt.Errorf("cart of %s: %w", user, err)
	}
	if err := json.Unmarshal([]byte(items), &c.Items); err != nil {
		return c, fmt.Errorf("cart of %s: %w", user, err)
	}
	if len(c.Items) == 0 {
		c.Items = nil
	}
	return c, nil
}
