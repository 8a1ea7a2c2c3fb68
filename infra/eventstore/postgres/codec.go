package postgres

import (
	"fmt"

	"github.com/google/uuid"

	"github.com/chance-video/chance/eventlog"
	"github.com/chance-video/chance/infra/eventstore/internal/appendlog"
)

// row is an event encoded for the events table. Encoding happens in the caller's
// goroutine, so the single writer spends its time on the database only.
type row struct {
	id       uuid.UUID
	typ      string
	data     []byte
	metadata string // JSON, sent as text[] and cast to json[] on the server: cheaper than pgx's binary jsonb[]
}

func encodeEvent(e eventlog.EventData) (row, error) {
	meta, err := appendlog.EncodeMetadata(e.Metadata)
	if err != nil {
		return row{}, fmt.Errorf("event %s: %w", e.ID, err)
	}
	data := []byte(e.Data)
	if data == nil {
		data = []byte{} // the column is NOT NULL; no payload reads back as empty
	}
	return row{id: e.ID, typ: e.Type, data: data, metadata: string(meta)}, nil
}
