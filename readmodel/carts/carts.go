// Package carts is the carts read model: each customer's cart as the aggregate last
// left it, for the cart page and checkout form.
package carts

import (
	"github.com/google/uuid"

	"github.com/chance-video/chance/domain/cart"
)

// Name is the projection's name and version, stored with its checkpoint and naming its
// tables in every store.
//
// WARNING: change the version (carts_v1 → carts_v2) whenever Project or the rows change
// what they hold: a new version is a fresh, empty projection rebuilt from position zero,
// never a migration of projected rows. This is the only place the name is written.
const Name = "carts_v1"

// Cart is a customer's cart: its items in the order they were added.
type Cart struct {
	UserID uuid.UUID
	Items  []cart.Item
}
