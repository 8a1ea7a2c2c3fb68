package readsqlite

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/eventlog"
	"github.com/chance-video/chance/projections"
	"github.com/chance-video/chance/readmodel"
	"github.com/chance-video/chance/readmodel/ledger"
)

// BenchmarkUpdate measures how fast a projector's batches commit: ledger lines (one
// insert each) in batches of 1, 100 and 5,000 events, each batch one Update with its
// checkpoint. It reports events per second.
func BenchmarkUpdate(b *testing.B) {
	for _, batch := range []int{1, 100, 5000} {
		b.Run(fmt.Sprintf("batch=%d", batch), func(b *testing.B) {
			s := openIn(b, b.TempDir())
			ctx := context.Background()
			user := uuid.New()
			var pos uint64
			events := 0
			start := time.Now()
			for b.Loop() {
				err := projections.Update(ctx, s, ledger.Name, eventlog.Position{Commit: pos + uint64(batch), Prepare: pos + uint64(batch)}, func(tx ledger.Writes) error {
					for range batch {
						pos++
						err := tx.AddEntry(ctx, ledger.Entry{Position: pos, EventID: uuid.New(), UserID: user,
							Kind: readmodel.KindTopUp, Amount: 100, BalanceAfter: 100, OccurredAt: time.Now()})
						if err != nil {
							return err
						}
					}
					return nil
				})
				if err != nil {
					b.Fatal(err)
				}
				events += batch
			}
			b.ReportMetric(float64(events)/time.Since(start).Seconds(), "events/s")
			b.Logf("%d events in batches of %d", events, batch)
		})
	}
}
