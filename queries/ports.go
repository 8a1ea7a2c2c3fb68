// Package queries answers the shop's questions from the read models, after waiting
// (briefly) for the projections to reach what the asking client last wrote.
package queries

import (
	"context"

	"github.com/google/uuid"

	"github.com/chance-video/chance/readmodel"
	"github.com/chance-video/chance/readmodel/accounts"
	"github.com/chance-video/chance/readmodel/carts"
	"github.com/chance-video/chance/readmodel/catalogue"
	"github.com/chance-video/chance/readmodel/ledger"
	"github.com/chance-video/chance/readmodel/rentals"
	"github.com/chance-video/chance/readmodel/users"
)

// ReadStore is what queries read: each read model's Reads port, and the inbox. Each
// read store adapter implements it over the tables its projections write.
type ReadStore interface {
	catalogue.Reads
	accounts.Reads
	ledger.Reads
	carts.Reads
	rentals.Reads
	users.Reads

	// Notifications returns a customer's inbox, newest first, at most limit.
	Notifications(ctx context.Context, user uuid.UUID, limit int) ([]readmodel.Notification, error)
}

// Inbox is where the in-app channel delivers notifications.
type Inbox interface {
	// AddNotification stores a notification; a second one with the same id is ignored.
	AddNotification(ctx context.Context, n readmodel.Notification) error
}
