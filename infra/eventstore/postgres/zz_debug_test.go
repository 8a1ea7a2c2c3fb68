package postgres

import (
	"context"
	"testing"
	"time"

	"github.com/chance-video/chance/eventlog"
)

func TestZZDebug(t *testing.T) {
	url, schema := newLog(t)
	s := openIn(t, url, schema)
	exp := eventlog.NoStream
	start := time.Now()
	for i := range 2000 {
		res, err := s.Append(context.Background(), "x", exp, testEvents(1))
		if err != nil {
			t.Fatal(err)
		}
		exp = res.NextExpected
		_ = i
	}
	t.Logf("%v per append; commits %d foreign %d conflicts %d", time.Since(start)/2000, s.w.commits.Load(), s.w.foreignWrites.Load(), s.w.conflicts.Load())
}
