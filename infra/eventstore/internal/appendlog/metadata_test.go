package appendlog

import (
	"testing"
	"time"

	"github.com/chance-video/chance/eventlog"
)

// TestMetadataRoundTrip: OccurredAt reads back Equal and in UTC.
func TestMetadataRoundTrip(t *testing.T) {
	at := time.Date(2026, 3, 1, 12, 30, 0, 123456789, time.FixedZone("MSK", 3*3600))
	b, err := EncodeMetadata(eventlog.Metadata{OccurredAt: at})
	if err != nil {
		t.Fatal(err)
	}
	m, err := DecodeMetadata(b)
	if err != nil || !m.OccurredAt.Equal(at) || m.OccurredAt.Location() != time.UTC {
		t.Errorf("%v %v, want %v in UTC", m.OccurredAt, err, at)
	}
}
