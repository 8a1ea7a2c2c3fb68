package postgres

import (
	"encoding/json"
	"fmt"

	"github.com/google/uuid"

	"github.com/chance-video/chance/eventlog"
)

// row is an event encoded for the events table. Encoding happens in the caller's
// goroutine, so the single writer spends its time on the database only.
type row struct {
	id       uuid.UUID
	typ      string
	data     []byte
	metadata []byte // JSON
}

func encodeEvent(e eventlog.EventData) (row, error) {
	meta, err := encodeMetadata(e.Metadata)
	if err != nil {
		return row{}, fmt.Errorf("event %s: %w", e.ID, err)
	}
	data := []byte(e.Data)
	if data == nil {
		data = []byte{} // the column is NOT NULL; no payload reads back as empty
	}
	return row{id: e.ID, typ: e.Type, data: data, metadata: meta}, nil
}

// encodeMetadata stores OccurredAt in UTC with its nanoseconds (RFC 3339 with nine
// fractional digits is what encoding/json writes, and jsonb keeps strings as they are),
// so it reads back Equal and in UTC.
func encodeMetadata(m eventlog.Metadata) ([]byte, error) {
	m.OccurredAt = m.OccurredAt.UTC()
	b, err := json.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("encode metadata: %w", err)
	}
	return b, nil
}

func decodeMetadata(b []byte) (eventlog.Metadata, error) {
	var m eventlog.Metadata
	if err := json.Unmarshal(b, &m); err != nil {
		return m, fmt.Errorf("decode metadata: %w", err)
	}
	m.OccurredAt = m.OccurredAt.UTC()
	return m, nil
}
