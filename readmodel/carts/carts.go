// Package carts is the carts read model: each customer's cart as the aggregate last
// left it, for the cart page and checkout form.
package carts

import (
	"time"

	"github.com/google/uuid"
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
	Items  []Item
}

// Item is one line of a stored cart: the read model's own row type, kept as JSON by the
// stores. WARNING: its JSON names are stored data; renaming one needs a new Name.
type Item struct {
	PremiereID uuid.UUID `json:"premiere_id"`
	Hours      int       `json:"hours"`
	StartsAt   time.Time `json:"starts_at,omitzero"`
}
