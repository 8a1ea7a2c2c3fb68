package readmodel

import (
	"time"

	"github.com/google/uuid"
)

// DeadLetter is a message a handler still failed on after its bounded retries, kept
// where an admin can see it and requeue it. There is one per message and handler: a
// message several handlers failed on is several dead letters.
type DeadLetter struct {
	ID        uuid.UUID // derived from MessageID and Handler
	MessageID string
	Topic     string // where the message was published, and is requeued to
	Handler   string // the handler that failed
	Payload   []byte
	Metadata  map[string]string // as published, without the failure's own
	Reason    string            // the last error
	Attempts  int               // failed attempts, over every round of retries
	// FailureID names the last round of retries, so a dead letter delivered twice is
	// recorded once and a new failure after a requeue is told from the old one.
	FailureID     string
	FirstFailedAt time.Time
	LastFailedAt  time.Time
	Status        string    // DeadLetterDead or DeadLetterRequeued
	Requeues      int       // how often an admin requeued it
	RequeuedAt    time.Time // the last requeue; zero if never
}

// Statuses of a dead letter.
const (
	DeadLetterDead     = "dead"     // failed; nothing was done about it since
	DeadLetterRequeued = "requeued" // republished after its last failure
)

// DeadLetterQuery pages through the dead letters, the most recently failed first.
type DeadLetterQuery struct {
	Offset int
	Limit  int // at least 1
}

// DeadLetterPage is one page of dead letters and how many there are in all.
type DeadLetterPage struct {
	Items []DeadLetter
	Total int
}

// Stored is the letter as the stores keep it: an absent payload or metadata is empty,
// never NULL, so every store reads back the same letter.
func (d DeadLetter) Stored() DeadLetter {
	if d.Payload == nil {
		d.Payload = []byte{}
	}
	if d.Metadata == nil {
		d.Metadata = map[string]string{}
	}
	return d
}
