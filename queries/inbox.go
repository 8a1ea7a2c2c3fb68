package queries

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain"
)

// Notification is one message of the in-app inbox.
type Notification struct {
	ID        uuid.UUID `json:"id"`
	Kind      string    `json:"kind"`
	Channel   string    `json:"channel"`
	Subject   string    `json:"subject"`
	Body      string    `json:"body"`
	CreatedAt time.Time `json:"created_at"`
}

// Notifications is a customer's inbox, newest first.
type Notifications struct {
	Items []Notification `json:"items"`
}

// Limits of an inbox page.
const (
	DefaultNotifications = 50
	MaxNotifications     = 200
)

// Notifications is the customer's inbox, newest first, at most limit (0: the default).
func (q *Service) Notifications(ctx context.Context, user uuid.UUID, limit int) (Notifications, error) {
	if limit < 0 || limit > MaxNotifications {
		return Notifications{}, domain.Invalid(fmt.Sprintf("limit must be from 1 to %d, got %d", MaxNotifications, limit))
	}
	if limit == 0 {
		limit = DefaultNotifications
	}
	ns, err := q.store.Notifications(ctx, user, limit)
	if err != nil {
		return Notifications{}, fmt.Errorf("notifications of %s: %w", user, err)
	}
	out := Notifications{Items: make([]Notification, 0, len(ns))}
	for _, n := range ns {
		out.Items = append(out.Items, Notification{ID: n.ID, Kind: n.Kind, Channel: n.Channel, Subject: n.Subject, Body: n.Body, CreatedAt: n.CreatedAt.UTC()})
	}
	return out, nil
}
