package users

import (
	"context"

	"github.com/google/uuid"
)

// Writes is what the projector does to the users' rows, inside the runner's
// transaction: the only methods a users transaction has.
type Writes interface {
	// User reads a profile as this transaction left it.
	User(ctx context.Context, id uuid.UUID) (User, bool, error)
	// PutUser replaces a profile.
	PutUser(ctx context.Context, u User) error
	// RevokeToken records a revoked token id until it would have expired.
	RevokeToken(ctx context.Context, r RevokedToken) error
}

// Reads is what queries ask of the users.
type Reads interface {
	User(ctx context.Context, id uuid.UUID) (User, bool, error)
	// TokenRevoked reports whether the token was revoked (expired or not).
	TokenRevoked(ctx context.Context, tokenID string) (bool, error)
}
