package postgres

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/chance-video/chance/eventlog"
	"github.com/chance-video/chance/infra/eventstore/eventstoretest"
)

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
		})
	}
}
