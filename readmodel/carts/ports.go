package carts

import (
	"context"

	"github.com/google/uuid"
)

// Writes is what the projector does to the carts' rows, inside the runner's
// transaction: the only methods a carts transaction has.
type Writes interface {
	// Cart reads a cart as this transaction left it; an empty cart if none.
	Cart(ctx context.Context, user uuid.UUID) (Cart, error)
	// PutCart replaces a customer's cart.
	PutCart(ctx context.Context, c Cart) error
}

// Reads is what queries ask of the carts.
type Reads interface {
	// Cart is a customer's cart; an empty one for a customer who never had one.
	Cart(ctx context.Context, user uuid.UUID) (Cart, error)
}
