package integration

import (
	"fmt"
	"strconv"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/google/uuid"

	"github.com/chance-video/chance/eventlog"
)

// Metadata (Kafka headers) of an event message. The payload is the event's stored
// JSON, exactly as in the log.
//
// WARNING: messages already on a Kafka topic carry these keys: never rename one.
const (
	MetaType          = "event_type" // e.g. "rental.rented.v1"
	MetaStreamID      = "stream_id"  // also the partition key
	MetaRevision      = "stream_revision"
	MetaPosition      = "position"         // commit position in the log
	MetaPrepare       = "position_prepare" // EventStoreDB's prepare position
	MetaCorrelationID = "correlation_id"
	MetaCausationID   = "causation_id"
	MetaUserID        = "user_id"
	MetaOccurredAt    = "occurred_at" // RFC 3339, UTC
	MetaTraceParent   = "traceparent" // W3C trace context, when the event was traced
)

// Encode makes the message of a logged event: its UUID is the event id.
func Encode(rec eventlog.Record) *message.Message {
	m := message.NewMessage(rec.ID.String(), message.Payload(rec.Data))
	m.Metadata.Set(MetaType, rec.Type)
	m.Metadata.Set(MetaStreamID, rec.StreamID)
	m.Metadata.Set(MetaRevision, strconv.FormatUint(rec.Revision, 10))
	m.Metadata.Set(MetaPosition, strconv.FormatUint(rec.Position.Commit, 10))
	m.Metadata.Set(MetaPrepare, strconv.FormatUint(rec.Position.Prepare, 10))
	m.Metadata.Set(MetaCorrelationID, rec.Metadata.CorrelationID)
	m.Metadata.Set(MetaCausationID, rec.Metadata.CausationID)
	m.Metadata.Set(MetaUserID, rec.Metadata.UserID)
	m.Metadata.Set(MetaOccurredAt, rec.Metadata.OccurredAt.UTC().Format(time.RFC3339Nano))
	if rec.Metadata.TraceParent != "" {
		m.Metadata.Set(MetaTraceParent, rec.Metadata.TraceParent)
	}
	return m
}

// Decode reads a logged event back from its message. The idempotency key and the
// request fingerprint stay in the log: consumers have no use for them.
func Decode(m *message.Message) (eventlog.Record, error) {
	fail := func(what string, err error) (eventlog.Record, error) {
		return eventlog.Record{}, fmt.Errorf("event message %s: %s: %w", m.UUID, what, err)
	}
	id, err := uuid.Parse(m.UUID)
	if err != nil {
		return fail("id", err)
	}
	rec := eventlog.Record{StreamID: m.Metadata.Get(MetaStreamID)}
	rec.ID, rec.Type, rec.Data = id, m.Metadata.Get(MetaType), append([]byte(nil), m.Payload...)
	if rec.Type == "" || rec.StreamID == "" {
		return fail("type and stream", fmt.Errorf("missing %s or %s", MetaType, MetaStreamID))
	}
	if rec.Revision, err = strconv.ParseUint(m.Metadata.Get(MetaRevision), 10, 64); err != nil {
		return fail(MetaRevision, err)
	}
	if rec.Position.Commit, err = strconv.ParseUint(m.Metadata.Get(MetaPosition), 10, 64); err != nil {
		return fail(MetaPosition, err)
	}
	if rec.Position.Prepare, err = strconv.ParseUint(m.Metadata.Get(MetaPrepare), 10, 64); err != nil {
		return fail(MetaPrepare, err)
	}
	if rec.Metadata.OccurredAt, err = time.Parse(time.RFC3339Nano, m.Metadata.Get(MetaOccurredAt)); err != nil {
		return fail(MetaOccurredAt, err)
	}
	rec.Metadata.CorrelationID = m.Metadata.Get(MetaCorrelationID)
	rec.Metadata.CausationID = m.Metadata.Get(MetaCausationID)
	rec.Metadata.UserID = m.Metadata.Get(MetaUserID)
	rec.Metadata.TraceParent = m.Metadata.Get(MetaTraceParent)
	return rec, nil
}
