package eventlog

import (
	"encoding/json"
	"time"

	"github.com/google/uuid"
)

// Metadata travels with every event. The idempotency key and the request fingerprint
// are here, not in a side table, so deduplication survives restarts and rebuilds.
type Metadata struct {
	CorrelationID  string    `json:"correlation_id,omitempty"`
	CausationID    string    `json:"causation_id,omitempty"`
	UserID         string    `json:"user_id,omitempty"`
	IdempotencyKey string    `json:"idempotency_key,omitempty"`
	Fingerprint    string    `json:"fingerprint,omitempty"`
	OccurredAt     time.Time `json:"occurred_at"`
	// TraceParent is the W3C trace context of the span that appended the event, when
	// tracing is on: the projections and messages the event causes join that trace.
	TraceParent string `json:"traceparent,omitempty"`
}

// EventData is an event about to be appended.
type EventData struct {
	ID       uuid.UUID
	Type     string          // explicit, versioned name such as "rental.rented.v1"
	Data     json.RawMessage // the event's JSON payload
	Metadata Metadata
}

// Record is an event as stored: its data plus where it sits in its stream and in the log.
type Record struct {
	EventData
	StreamID string
	Revision uint64   // 0 for the first event of a stream
	Position Position // place in the whole log; later commits have greater positions
}
