package appendlog

import (
	"encoding/json"
	"fmt"

	"github.com/chance-video/chance/eventlog"
)

// EncodeMetadata stores OccurredAt in UTC with its nanoseconds (RFC 3339 with nine
// fractional digits is what encoding/json writes, and PostgreSQL's jsonb keeps strings
// as they are), so it reads back Equal and in UTC.
func EncodeMetadata(m eventlog.Metadata) ([]byte, error) {
	m.OccurredAt = m.OccurredAt.UTC()
	b, err := json.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("encode metadata: %w", err)
	}
	return b, nil
}

// DecodeMetadata reads what EncodeMetadata wrote.
func DecodeMetadata(b []byte) (eventlog.Metadata, error) {
	var m eventlog.Metadata
	if err := json.Unmarshal(b, &m); err != nil {
		return m, fmt.Errorf("decode metadata: %w", err)
	}
	m.OccurredAt = m.OccurredAt.UTC()
	return m, nil
}
