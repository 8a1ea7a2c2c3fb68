package readmodel

import (
	"time"

	"github.com/google/uuid"
)

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
