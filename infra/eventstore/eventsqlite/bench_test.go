package eventsqlite

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/chance-video/chance/eventlog"
	"github.com/chance-video/chance/infra/eventstore/eventstoretest"
)

// appendTarget32 is the events/s 32 concurrent writers should reach (issue 12).
const appendTarget32 = 50_000

// BenchmarkAppend: b.N one-event appends, fsync'd (synchronous=FULL), shared by `writers`
// goroutines, each appending to its own stream at its exact revision.
func BenchmarkAppend(b *testing.B) {
	for _, writers := range []int{1, 8, 32} {
		b.Run(fmt.Sprintf("writers=%d/events_per_append=1", writers), func(b *testing.B) {
			s := openTemp(b)
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
						res, err := s.Append(ctx, stream, exp, []eventlog.EventData{eventstoretest.TypicalEvent(i)})
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
			if writers == 32 {
				b.ReportMetric(appendTarget32, "target-events/s") // issue 12's table, printed beside the figure
			}
		})
	}
}

// BenchmarkReadStream: loading one 1,000-event stream, as a command handler does.
func BenchmarkReadStream(b *testing.B) {
	const size = 1000
	b.Run(fmt.Sprintf("events=%d", size), func(b *testing.B) {
		s := openTemp(b)
		ctx := context.Background()
		exp := eventlog.NoStream
		for i := 0; i < size; i += 100 {
			events := make([]eventlog.EventData, 100)
			for j := range events {
				events[j] = eventstoretest.TypicalEvent(i + j)
			}
			exp = mustAppend(b, s, "loaded-1", exp, events).NextExpected
		}
		b.ResetTimer()
		for range b.N {
			records, err := s.ReadStream(ctx, "loaded-1", 0)
			if err != nil || len(records) != size {
				b.Fatalf("read %d events: %v", len(records), err)
			}
		}
		b.StopTimer()
		b.ReportMetric(float64(size*b.N)/b.Elapsed().Seconds(), "events/s")
	})
}
