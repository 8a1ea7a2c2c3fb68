package esdb

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"

	"github.com/chance-video/chance/eventlog"
)

// toProposed converts an event for the client. Its id is the port's — derived from the
// idempotency key — so the server recognises the same event sent again.
func toProposed(e eventlog.EventData) (esdb.EventData, error) {
	meta := e.Metadata
	meta.OccurredAt = meta.OccurredAt.UTC() // stored in UTC; the monotonic reading is dropped
	encoded, err := json.Marshal(meta)
	if err != nil {
		return esdb.EventData{}, fmt.Errorf("event %s: metadata: %w", e.ID, err)
	}
	return esdb.EventData{
		EventID:     e.ID,
		EventType:   e.Type,
		ContentType: esdb.ContentTypeJson,
		Data:        e.Data,
		Metadata:    encoded,
	}, nil
}

// fromRecorded converts an event read back.
func fromRecorded(e *esdb.RecordedEvent) (eventlog.Record, error) {
	var meta eventlog.Metadata
	if len(e.UserMetadata) > 0 { // events this store did not write may have none
		if err := json.Unmarshal(e.UserMetadata, &meta); err != nil {
			return eventlog.Record{}, fmt.Errorf("event %s at %s revision %d: metadata: %w", e.EventID, e.StreamID, e.EventNumber, err)
		}
	}
	meta.OccurredAt = meta.OccurredAt.UTC()
	return eventlog.Record{
		EventData: eventlog.EventData{ID: e.EventID, Type: e.EventType, Data: e.Data, Metadata: meta},
		StreamID:  e.StreamID,
		Revision:  e.EventNumber,
		Position:  fromPosition(e.Position),
	}, nil
}

// fromPosition converts a $all position. Servers before 22.6 send the largest uint64 in
// both halves for events read from a stream, meaning "unknown": that becomes the zero
// Position rather than a position past every other.
func fromPosition(p esdb.Position) eventlog.Position {
	if p.Commit == math.MaxUint64 {
		return eventlog.Start
	}
	return eventlog.Position{Commit: p.Commit, Prepare: p.Prepare}
}

// allPosition is where to start reading or subscribing to $all.
func allPosition(p eventlog.Position) esdb.AllPosition {
	if p.IsStart() {
		return esdb.Start{}
	}
	return esdb.Position{Commit: p.Commit, Prepare: p.Prepare}
}

// isSystem reports whether an event is the server's own: its type or its stream starts
// with "$" (settings, statistics, stream metadata, projection state and links).
func isSystem(e *esdb.RecordedEvent) bool {
	return strings.HasPrefix(e.EventType, "$") || strings.HasPrefix(e.StreamID, "$")
}
