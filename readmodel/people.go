package readmodel

import (
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain/cart"
)

// User is a profile.
type User struct {
	ID        uuid.UUID
	Email     string
	FirstName string
	LastName  string
	Roles     []string
	CreatedAt time.Time
}

// Cart is a customer's cart: its items in the order they were added.
type Cart struct {
	UserID uuid.UUID
	Items  []cart.Item
}

// Notification is one message of a customer's inbox.
type Notification struct {
	ID        uuid.UUID
	UserID    uuid.UUID
	Kind      string
	Channel   string
	Subject   string
	Body      string
	CreatedAt time.Time
}

// RevokedToken is a signed token that must not be accepted until it expires.
type RevokedToken struct {
	TokenID   string
	UserID    uuid.UUID
	ExpiresAt time.Time
}
