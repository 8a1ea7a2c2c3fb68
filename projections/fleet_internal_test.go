package projections

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/chance-video/chance/eventlog"
)

// flakyScanned is a store whose first fails RecordScanned calls fail, as while its
// database restarts; it remembers what it recorded.
type flakyScanned struct {
	Store    // unused: the reporter only records
	mu       sync.Mutex
	fails    int
	recorded eventlog.Position
}

func (f *flakyScanned) RecordScanned(_ context.Context, _ string, pos eventlog.Position) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fails > 0 {
		f.fails--
		return errors.New("connection refused")
	}
	f.recorded = pos
	return nil
}

func (f *flakyScanned) got() eventlog.Position {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.recorded
}

// A failed record of the scanned position is tried again by itself: on a quiet log no
// later batch would come to try it.
func TestScannedPositionIsRecordedAfterFailures(t *testing.T) {
	store := &flakyScanned{fails: 3}
	r := newScanReporter(t.Context(), store, "accounts")
	pos := eventlog.Position{Commit: 7, Prepare: 7}
	r.saw(pos)
	deadline := time.Now().Add(10 * time.Second)
	for store.got() != pos {
		if time.Now().After(deadline) {
			t.Fatal("the scanned position was not recorded after the store came back")
		}
		time.Sleep(10 * time.Millisecond) // polling a background writer, with a deadline
	}
}
