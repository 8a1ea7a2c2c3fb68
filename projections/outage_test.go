package projections_test

import (
	"context"
	"errors"
	"net"
	"testing"
	"time"

	"github.com/chance-video/chance/domain/codec"
	"github.com/chance-video/chance/eventlog"
	"github.com/chance-video/chance/projections"
	"github.com/chance-video/chance/readmodel/accounts"
)

// unreachable is a read store that cannot be reached for its first outages calls, as
// while its database restarts.
type unreachable struct {
	projections.Store
	outages int
}

func (u *unreachable) Checkpoint(ctx context.Context, name string) (eventlog.Position, error) {
	if u.outages > 0 {
		u.outages--
		return eventlog.Start, &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}
	}
	return u.Store.Checkpoint(ctx, name)
}

// A store out of reach pauses a follower, which goes on once it is back, instead of
// stopping (and with it the whole shop); any other failure still ends it.
func TestFollowRidesOutAnUnreachableStore(t *testing.T) {
	events, reads := openStores(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	progress := projections.NewProgress(accounts.Name)
	store := &unreachable{Store: reads, outages: 2}
	done := make(chan error, 1)
	go func() { done <- projections.Follow(ctx, events, store, codec.Shop(), accounts.Projector, progress) }()
	head, err := events.Head(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := progress.Wait(ctx, head, accounts.Name); err != nil {
		t.Fatalf("the follower did not go on after the outage: %v", err)
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("Follow ended with %v", err)
	}

	broken := &failingCheckpoint{Store: reads}
	if err := projections.Follow(context.Background(), events, broken, codec.Shop(), accounts.Projector, nil); !errors.Is(err, errBroken) {
		t.Fatalf("a store failing for another reason: Follow returned %v", err)
	}
}

var errBroken = errors.New("no such table")

type failingCheckpoint struct{ projections.Store }

func (failingCheckpoint) Checkpoint(context.Context, string) (eventlog.Position, error) {
	return eventlog.Start, errBroken
}
