// Package users is the users read model: profiles (with notification settings) and the
// signed tokens revoked before they expire.
package users

import (
	"time"

	"github.com/google/uuid"
)

// Name is the projection's name and version, stored with its checkpoint and naming its
// tables in every store.
//
// WARNING: change the version (users_v2 → users_v3) whenever Project or the rows change
// what they hold: a new version is a fresh, empty projection rebuilt from position zero,
// never a migration of projected rows. This is the only place the name is written.
const Name = "users_v2" // v2: notification channels, phone and Telegram chat id

// User is a profile.
type User struct {
	ID        uuid.UUID
	Email     string
	FirstName string
	LastName  string
	Roles     []string
	CreatedAt time.Time
	// Where the user is told things: the default channels until they choose.
	Channels       []string
	Phone          string
	TelegramChatID string
}

// RevokedToken is a signed token that must not be accepted until it expires.
type RevokedToken struct {
	TokenID   string
	UserID    uuid.UUID
	ExpiresAt time.Time
}
