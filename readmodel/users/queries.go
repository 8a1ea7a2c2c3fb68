package users

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain/user"
)

// QueriesRead names the read models these queries read: a read-your-writes wait
// before them covers these and nothing else.
var QueriesRead = []string{Name}

// Queries answers what the API asks of the users, on their Reads port.
type Queries struct{ Reads Reads }

// Profile is a user's profile.
type Profile struct {
	ID        uuid.UUID `json:"id"`
	Email     string    `json:"email"`
	FirstName string    `json:"first_name"`
	LastName  string    `json:"last_name"`
	Roles     []string  `json:"roles"`
	CreatedAt time.Time `json:"created_at"`
	// Where the user is told things; phone and chat id are empty until given.
	NotificationChannels []string `json:"notification_channels"`
	Phone                string   `json:"phone"`
	TelegramChatID       string   `json:"telegram_chat_id"`
}

// Profile is a user's profile.
func (q Queries) Profile(ctx context.Context, id uuid.UUID) (Profile, error) {
	u, found, err := q.Reads.User(ctx, id)
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
	channels := u.Channels
	if len(channels) == 0 {
		channels = user.DefaultChannels()
	}
	return Profile{ID: u.ID, Email: u.Email, FirstName: u.FirstName, LastName: u.LastName, Roles: roles, CreatedAt: u.CreatedAt.UTC(),
		NotificationChannels: channels, Phone: u.Phone, TelegramChatID: u.TelegramChatID}, nil
}

// TokenRevoked reports whether a signed token was revoked (logged out).
func (q Queries) TokenRevoked(ctx context.Context, tokenID string) (bool, error) {
	revoked, err := q.Reads.TokenRevoked(ctx, tokenID)
	if err != nil {
		return false, fmt.Errorf("token revocation: %w", err)
	}
	return revoked, nil
}
