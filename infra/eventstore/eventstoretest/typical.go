package eventstoretest

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/eventlog"
)

// TypicalEvent is an event of the size the shop appends, for benchmarks: ~150 bytes of
// JSON and every metadata field set.
func TypicalEvent(i int) eventlog.EventData {
	id := uuid.New()
	return eventlog.EventData{
		ID:   id,
		Type: "rental.rented.v1",
		Data: json.RawMessage(fmt.Sprintf(`{"v":1,"rental":%q,"premiere":"premiere-%d","price":{"amount":39900,"currency":"RUB"},"term_hours":48}`, id, i)),
		Metadata: eventlog.Metadata{
			CorrelationID:  id.String(),
			CausationID:    id.String(),
			UserID:         "user-0195c2a4-6f3b-7c1e-9d2a-4b5c6d7e8f90",
			IdempotencyKey: "idem-" + id.String(),
			Fingerprint:    "sha256:9f86d081884c7d659a2feaa0c55ad015",
			OccurredAt:     time.Now(),
		},
	}
}
