// Package queries answers the shop's questions from the read models, after waiting
// (briefly) for the projections to reach what the asking client last wrote.
package queries

import (
	"context"

	"github.com/google/uuid"

	"github.com/chance-video/chance/readmodel"
	"github.com/chance-video/chance/readmodel/accounts"
	"github.com/chance-video/chance/readmodel/carts"
	"github.com/chance-video/chance/readmodel/ledger"
	"github.com/chance-video/chance/readmodel/rentals"
	"github.com/chance-video/chance/readmodel/users"
)

// ReadStore is what queries read: each read model's Reads port, and the inbox. Each
// read store adapter implements it over the tables its projections write.
type ReadStore interface {
	accounts.Reads
	ledger.Reads
	carts.Reads
	rentals.Reads
	users.Reads

	// Search finds premieres on sale: Text matches word forms and parts of words in
	// titles, actors and descriptions, case- and ё/е-insensitively.
	Search(ctx context.Context, q readmodel.SearchQuery) (readmodel.SearchResult, error)
	Premiere(ctx context.Context, id uuid.UUID) (readmodel.Premiere, bool, error)
	// Premieres returns the premieres with the given ids that exist, in no particular order.
	Premieres(ctx context.Context, ids []uuid.UUID) ([]readmodel.Premiere, error)

	// Notifications returns a customer's inbox, newest first, at most limit.
	Notifications(ctx context.Context, user uuid.UUID, limit int) ([]readmodel.Notification, error)
}

// Inbox is where the in-app channel delivers notifications.
type Inbox interface {
	// AddNotification stores a notification; a second one with the same id is ignored.
	AddNotification(ctx context.Context, n readmodel.Notification) error
}
