package observe_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/google/uuid"

	"github.com/chance-video/chance/eventlog"
	"github.com/chance-video/chance/infra/eventstore/eventsqlite"
	"github.com/chance-video/chance/infra/observe"
)

// The measured store keeps the bounded stream read of the store it wraps, which the
// commands' replays use to read a request's records alone.
func TestTheMeasuredStoreKeepsTheRangeRead(t *testing.T) {
	ctx := context.Background()
	store, err := eventsqlite.Open(filepath.Join(t.TempDir(), "events.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	var events []eventlog.EventData
	for range 5 {
		events = append(events, eventlog.EventData{ID: uuid.New(), Type: "t.v1", Data: []byte("{}")})
	}
	if _, err := store.Append(ctx, "s-1", eventlog.NoStream, events); err != nil {
		t.Fatal(err)
	}
	measured := observe.Events(store, observe.NewMetrics(), nil)
	r, ok := measured.(interface {
		ReadStreamRange(ctx context.Context, stream string, from, to uint64) ([]eventlog.Record, error)
	})
	if !ok {
		t.Fatal("the measured store hides ReadStreamRange")
	}
	got, err := r.ReadStreamRange(ctx, "s-1", 1, 2)
	if err != nil || len(got) != 2 || got[0].Revision != 1 {
		t.Fatalf("range 1..2: %d records, %v", len(got), err)
	}
}
