package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain/cart"
	"github.com/chance-video/chance/readmodel"
)

// Carts (carts_v1): a row per customer, the items as one JSON array. A cart is always
// read and written whole, and holds at most cart.MaxItems items, so rows per item would
// only add joins.

const upsertCart = `INSERT INTO carts (user_id, items) VALUES (?, ?)
	ON CONFLICT (user_id) DO UPDATE SET items = excluded.items`

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
	encoded, err := jsonArg(items)
	if err != nil {
		return fmt.Errorf("put cart of %s: %w", c.UserID, err)
	}
	if err := t.exec(ctx, upsertCart, uuidArg(c.UserID), encoded); err != nil {
		return fmt.Errorf("put cart of %s: %w", c.UserID, err)
	}
	return nil
}

const selectCart = `SELECT items FROM carts WHERE user_id = ?`

// Cart reads a cart inside the transaction (the projector folds events into it).
func (t *tx) Cart(ctx context.Context, user uuid.UUID) (readmodel.Cart, error) {
	if err := t.allow(Carts, "Cart"); err != nil {
		return readmodel.Cart{UserID: user}, err
	}
	row, err := t.queryRow(ctx, selectCart, uuidArg(user))
	if err != nil {
		return readmodel.Cart{UserID: user}, fmt.Errorf("cart of %s: %w", user, err)
	}
	return oneCart(row, user)
}

// Cart is a customer's cart; an empty one for a customer who never had one.
func (s *Store) Cart(ctx context.Context, user uuid.UUID) (readmodel.Cart, error) {
	g, release, err := s.serving(Carts)
	if err != nil {
		return readmodel.Cart{UserID: user}, err
	}
	defer release()
	return oneCart(g.read.QueryRowContext(ctx, selectCart, uuidArg(user)), user)
}

func oneCart(row *sql.Row, user uuid.UUID) (readmodel.Cart, error) {
	c := readmodel.Cart{UserID: user}
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
