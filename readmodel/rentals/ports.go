package rentals

import (
	"context"
	"time"

	"github.com/google/uuid"
)

// Writes is what the projector does to the rentals' rows, inside the runner's
// transaction: the only methods a rentals transaction has.
type Writes interface {
	// Rental reads a rental as this transaction left it.
	Rental(ctx context.Context, id uuid.UUID) (Rental, bool, error)
	// PutRental replaces a rental.
	PutRental(ctx context.Context, r Rental) error
}

// Reads is what queries and the scheduler ask of the rentals.
type Reads interface {
	// Rentals returns all of a customer's rentals, the latest start first.
	Rentals(ctx context.Context, user uuid.UUID) ([]Rental, error)
	Rental(ctx context.Context, id uuid.UUID) (Rental, bool, error)
	// DueRentals returns up to limit rentals (all if limit ≤ 0), neither cancelled nor
	// expired, whose reminder (for their current term version) or end is at or before now.
	DueRentals(ctx context.Context, now time.Time, limit int) ([]Rental, error)
}
