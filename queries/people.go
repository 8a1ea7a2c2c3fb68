package queries

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain/user"
)

// Profile is a user's profile.
type Profile struct {
	ID        uuid.UUID `json:"id"`
	Email     string    `json:"email"`
	FirstName string    `json:"first_name"`
	LastName  string    `json:"last_name"`
	Roles     []string  `json:"roles"`
	CreatedAt time.Time `json:"created_at"`
}

// Profile is a user's profile.
func (q *Service) Profile(ctx context.Context, id uuid.UUID) (Profile, error) {
	u, found, err := q.store.User(ctx, id)
	if err != nil {
		return Profile{}, fmt.Errorf("user %s: %w", id, err)
	}
	if !found {
		return Profile{}, user.ErrNotFound
	}
	roles := u.Roles
	if roles == nil {
		roles = []string{}
	}
	return Profile{ID: u.ID, Email: u.Email, FirstName: u.FirstName, LastName: u.LastName, Roles: roles, CreatedAt: utc(u.CreatedAt)}, nil
}

// TokenRevoked reports whether a signed token was revoked (logged out).
func (q *Service) TokenRevoked(ctx context.Context, tokenID string) (bool, error) {
	revoked, err := q.store.TokenRevoked(ctx, tokenID)
	if err != nil {
		return false, fmt.Errorf("token revocation: %w", err)
	}
	return revoked, nil
}

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
		return Notifications{}, invalidf("limit must be from 1 to %d, got %d", MaxNotifications, limit)
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
		out.Items = append(out.Items, Notification{ID: n.ID, Kind: n.Kind, Channel: n.Channel, Subject: n.Subject, Body: n.Body, CreatedAt: utc(n.CreatedAt)})
	}
	return out, nil
}
