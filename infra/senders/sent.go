package senders

import (
	"context"
	"time"

	"github.com/google/uuid"
)

// SentRecords remembers which messages a channel has sent: a sender to the outside
// world (SMTP, an SMS gateway, Telegram) cannot take a message back, so it asks before
// sending and records after. The read store implements it.
// ExclusiveSends are sent records several processes share (PostgreSQL): each process
// forwards the whole log, so the same message reaches a channel's consumer in every
// process at about the same time, and only one of them may send it.
type ExclusiveSends interface {
	// Exclusively runs fn while no other process runs one for the same channel and
	// message; when a process dies holding it, the next goes on.
	Exclusively(ctx context.Context, channel string, messageID uuid.UUID, fn func(ctx context.Context) error) error
}

type SentRecords interface {
	// Sent reports whether channel has sent the message.
	Sent(ctx context.Context, channel string, messageID uuid.UUID) (bool, error)
	// MarkSent records that channel sent the message at the time given; recording it
	// again is a no-op.
	MarkSent(ctx context.Context, channel string, messageID uuid.UUID, at time.Time) error
	// PruneSent forgets the messages sent before the time given, and says how many.
	PruneSent(ctx context.Context, before time.Time) (int64, error)
}
