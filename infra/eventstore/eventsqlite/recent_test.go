package eventsqlite

import (
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"strconv"
	"sync"
	"testing"

	"github.com/google/uuid"

	"github.com/chance-video/chance/eventlog"
)

// A kept batch is handed out only for the same position and head, as a copy.
func TestRecentBatchesShareOnlyAtTheSameHead(t *testing.T) {
	var r recentBatches
	batch := []eventlog.Record{{StreamID: "a", Position: position(4)}, {StreamID: "a", Position: position(5)}}
	r.put(3, 5, batch)
	r.put(5, 5, nil) // nothing read: nothing kept
	got, ok := r.get(3, 5)
	if !ok || len(got) != 2 || got[1].Position != position(5) {
		t.Fatalf("get(3, 5) = %v, %v", got, ok)
	}
	got[0].StreamID = "changed"
	if again, _ := r.get(3, 5); again[0].StreamID != "a" {
		t.Fatal("a reader's change reached the kept batch")
	}
	for _, miss := range [][2]uint64{{3, 6}, {2, 5}, {5, 5}} {
		if _, ok := r.get(miss[0], miss[1]); ok {
			t.Errorf("get(%d, %d) found a batch", miss[0], miss[1])
		}
	}
	for i := range recentBatchCount { // older batches give way
		r.put(uint64(100+i), 200, batch)
	}
	if _, ok := r.get(3, 5); ok {
		t.Error("the oldest batch is still kept after recentBatchCount newer ones")
	}
}

// Followers sharing batches while appends go on each see every event once, in order,
// and none is left waiting behind the head.
func TestSubscriptionsSharingBatchesSeeEveryEvent(t *testing.T) {
	s, err := Open(filepath.Join(t.TempDir(), "events.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	const followers, appends = 4, 300
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	errs := make(chan error, followers)
	var wg sync.WaitGroup
	for range followers {
		wg.Go(func() {
			next := uint64(1)
			err := s.Subscribe(ctx, eventlog.Start, func(_ context.Context, batch []eventlog.Record) error {
				for _, r := range batch {
					if r.Position != position(next) {
						return errors.New("got position " + r.Position.String() + ", want " + strconv.FormatUint(next, 10))
					}
					next++
				}
				if next > appends {
					return errDone
				}
				return nil
			})
			errs <- err
		})
	}
	for i := range appends {
		data := []eventlog.EventData{{ID: uuid.New(), Type: "test.happened.v1", Data: json.RawMessage(`{"n":` + strconv.Itoa(i) + `}`)}}
		if _, err := s.Append(ctx, "stream-"+strconv.Itoa(i%7), eventlog.Any, data); err != nil {
			t.Fatal(err)
		}
	}
	wg.Wait()
	for range followers {
		if err := <-errs; !errors.Is(err, errDone) {
			t.Errorf("a follower: %v", err)
		}
	}
}

var errDone = errors.New("saw every event")
