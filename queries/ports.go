// Package queries answers the shop's questions from the read models, after waiting
// (briefly) for the projections to reach what the asking client last wrote. Each read
// model answers its own queries (readmodel/<name>/queries.go); this package holds what
// cuts across them: the read-your-writes wait (consistency.go, reads.go) and the facade
// the HTTP API calls (facade.go), plus the inbox's query.
package queries

import (
	"context"

	"github.com/google/uuid"

	"github.com/chance-video/chance/readmodel"
	"github.com/chance-video/chance/readmodel/all"
)

// ReadStore is what queries read: every read model's Reads port (listed in
// readmodel/all), and the inbox. Each read store adapter implements it.
type ReadStore interface {
	all.Reads

	// Notifications returns a customer's inbox, newest first, at most limit.
	Notifications(ctx context.Context, user uuid.UUID, limit int) ([]readmodel.Notification, error)
}

// Inbox is where the in-app channel delivers notifications.
type Inbox interface {
	// AddNotification stores a notification; a second one with the same id is ignored.
	AddNotification(ctx context.Context, n readmodel.Notification) error
}
