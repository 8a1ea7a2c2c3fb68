package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/eventlog"
)

// benchEvent is a typical event: ~150 bytes of JSON and every metadata field set.
func benchEvent(i int) eventlog.EventData {
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

// BenchmarkAppend: b.N one-event appends, each committed durably (synchronous_commit=on),
// shared by `writers` goroutines of one process, each appending to its own stream at its
// exact revision.
func BenchmarkAppend(b *testing.B) {
	for _, writers := range []int{1, 8, 32} {
		b.Run(fmt.Sprintf("writers=%d/events_per_append=1", writers), func(b *testing.B) {
			url, schema := newLog(b)
			s := openIn(b, url, schema)
			ctx := context.Background()
			var claimed atomic.Int64
			commitsBefore := s.w.commits.Load()
			b.ResetTimer()
			var wg sync.WaitGroup
			for w := range writers {
				wg.Go(func() {
					stream := fmt.Sprintf("bench-%d", w)
					exp := eventlog.NoStream
					for i := 0; claimed.Add(1) <= int64(b.N); i++ {
						res, err := s.Append(ctx, stream, exp, []eventlog.EventData{benchEvent(i)})
						if err != nil {
							b.Error(err)
							return
						}
						exp = res.NextExpected
					}
				})
			}
			wg.Wait()
			b.StopTimer()
			commits := s.w.commits.Load() - commitsBefore
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
			b.ReportMetric(1, "events/append")
			b.ReportMetric(float64(b.N)/float64(max(commits, 1)), "appends/commit")
		})
	}
}
