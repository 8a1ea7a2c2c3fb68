// Package queries answers the shop's questions from the read models, after waiting
// (briefly) for the projections to reach what the asking client last wrote.
package queries

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain/money"
	"github.com/chance-video/chance/readmodel"
	"github.com/chance-video/chance/readmodel/accounts"
	"github.com/chance-video/chance/readmodel/carts"
	"github.com/chance-video/chance/readmodel/ledger"
	"github.com/chance-video/chance/readmodel/users"
)

// ReadStore is what queries read: each read model's Reads port, and the inbox. Each
// read store adapter implements it over the tables its projections write.
type ReadStore interface {
	carts.Reads
	users.Reads

	// Search finds premieres on sale: Text matches word forms and parts of words in
	// titles, actors and descriptions, case- and ё/е-insensitively.
	Search(ctx context.Context, q readmodel.SearchQuery) (readmodel.SearchResult, error)
	Premiere(ctx context.Context, id uuid.UUID) (readmodel.Premiere, bool, error)
	// Premieres returns the premieres with the given ids that exist, in no particular order.
	Premieres(ctx context.Context, ids []uuid.UUID) ([]readmodel.Premiere, error)

	Balance(ctx context.Context, user uuid.UUID) (money.Kopecks, error)
	Payment(ctx context.Context, id uuid.UUID) (accounts.Payment, bool, error)
	// Ledger returns billing history in log order (oldest first), at most q.Limit lines.
	Ledger(ctx context.Context, q ledger.Query) ([]ledger.Entry, error)

	// Rentals returns all of a customer's rentals, the latest start first.
	Rentals(ctx context.Context, user uuid.UUID) ([]readmodel.Rental, error)
	Rental(ctx context.Context, id uuid.UUID) (readmodel.Rental, bool, error)
	// DueRentals returns up to limit rentals, neither cancelled nor expired, whose
	// reminder (for their current term version) or end is at or before now.
	DueRentals(ctx context.Context, now time.Time, limit int) ([]readmodel.Rental, error)

	// Notifications returns a customer's inbox, newest first, at most limit.
	Notifications(ctx context.Context, user uuid.UUID, limit int) ([]readmodel.Notification, error)
}

// Inbox is where the in-app channel delivers notifications.
type Inbox interface {
	// AddNotification stores a notification; a second one with the same id is ignored.
	AddNotification(ctx context.Context, n readmodel.Notification) error
}
