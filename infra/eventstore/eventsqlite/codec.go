package eventsqlite

import (
	"fmt"

	"github.com/chance-video/chance/eventlog"
	"github.com/chance-video/chance/infra/eventstore/internal/appendlog"
)

// row is an event encoded for the events table. Encoding happens in the caller's
// goroutine, so the single writer spends its time on SQLite only.
type row struct {
	id       []byte // the 16 bytes of the UUID
	typ      string
	data     []byte
	metadata []byte
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
	return row{id: e.ID[:], typ: e.Type, data: data, metadata: meta}, nil
}
