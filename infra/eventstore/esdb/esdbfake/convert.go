package esdbfake

import (
	"encoding/binary"
	"strconv"

	"github.com/google/uuid"

	"github.com/EventStore/EventStore-Client-Go/v4/protos/shared"
	"github.com/EventStore/EventStore-Client-Go/v4/protos/streams"
)

// Keys of the system metadata map the client reads and writes.
const (
	keyType        = "type"
	keyContentType = "content-type"
	// WARNING: keyCreated must hold .NET ticks (100 ns) since the Unix epoch as a decimal
	// string. The v4 client calls log.Fatalf — exiting the whole test binary — when an
	// event arrives without it or with anything it cannot parse as an integer.
	keyCreated = "created"
)

// ticks converts to the unit of the "created" metadata.
func ticks(e *event) string { return strconv.FormatInt(e.created.UnixNano()/100, 10) }

func uuidFromProto(id *shared.UUID) (uuid.UUID, bool) {
	if s := id.GetStructured(); s != nil {
		var b [16]byte
		binary.BigEndian.PutUint64(b[:8], uint64(s.MostSignificantBits))
		binary.BigEndian.PutUint64(b[8:], uint64(s.LeastSignificantBits))
		return uuid.UUID(b), true
	}
	parsed, err := uuid.Parse(id.GetString_())
	return parsed, err == nil
}

// uuidToProto answers in the form the reader asked for (the client asks "structured").
func uuidToProto(id uuid.UUID, asString bool) *shared.UUID {
	if asString {
		return &shared.UUID{Value: &shared.UUID_String_{String_: id.String()}}
	}
	return &shared.UUID{Value: &shared.UUID_Structured_{Structured: &shared.UUID_Structured{
		MostSignificantBits:  int64(binary.BigEndian.Uint64(id[:8])),
		LeastSignificantBits: int64(binary.BigEndian.Uint64(id[8:])),
	}}}
}

// readResp wraps a stored event for a read or a subscription. Stream reads carry the
// $all position too, as servers since 22.6 send it for events not written in explicit
// transactions.
func readResp(e *event, uuidAsString bool) *streams.ReadResp {
	return &streams.ReadResp{Content: &streams.ReadResp_Event{Event: &streams.ReadResp_ReadEvent{
		Event: &streams.ReadResp_ReadEvent_RecordedEvent{
			Id:               uuidToProto(e.id, uuidAsString),
			StreamIdentifier: &shared.StreamIdentifier{StreamName: []byte(e.stream)},
			StreamRevision:   e.revision,
			CommitPosition:   e.commit,
			PreparePosition:  e.prepare,
			Metadata: map[string]string{
				keyType:        e.eventType,
				keyContentType: e.contentType,
				keyCreated:     ticks(e),
			},
			CustomMetadata: e.metadata,
			Data:           e.data,
		},
		Position: &streams.ReadResp_ReadEvent_CommitPosition{CommitPosition: e.commit},
	}}}
}
