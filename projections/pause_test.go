package projections_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain/account"
	"github.com/chance-video/chance/domain/codec"
	"github.com/chance-video/chance/eventlog"
	"github.com/chance-video/chance/projections"
	"github.com/chance-video/chance/readmodel/accounts"
)

// countingLeases is always held, and counts how often a holder gave its lease up.
type countingLeases struct{ holds, releases atomic.Int32 }

func (l *countingLeases) Hold(ctx context.Context, _ string, fn func(ctx context.Context) error) error {
	l.holds.Add(1)
	defer l.releases.Add(1)
	return fn(ctx)
}

// An online rebuild pauses the projection's follower without giving its lease up: a
// standby elsewhere would otherwise take the projection over during the swap.
func TestRebuildKeepsTheLease(t *testing.T) {
	events, reads := openStores(t)
	leases := &countingLeases{}
	runner := projections.NewRunner(events, reads, accounts.Projector)
	runner.UseLeases(leases)
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- runner.Run(ctx) }()
	head, err := events.Head(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := runner.Progress().Wait(ctx, head, accounts.Name); err != nil {
		t.Fatal(err)
	}
	if err := runner.Rebuild(ctx, accounts.Name, nil); err != nil {
		t.Fatalf("rebuild: %v", err)
	}
	if h, r := leases.holds.Load(), leases.releases.Load(); h != 1 || r != 0 {
		t.Fatalf("during the rebuild the lease was taken %d times and given up %d times, want once and never", h, r)
	}
	// The follower goes on after the rebuild.
	user := uuid.New()
	name, data, err := codec.Shop().Encode(account.FundsAdded{UserID: user, Payment: uuid.New(), Amount: 5, BalanceAfter: 5, At: time.Now().UTC()})
	if err != nil {
		t.Fatal(err)
	}
	next, err := events.Append(ctx, account.Stream(user), eventlog.NoStream, []eventlog.EventData{{ID: uuid.New(), Type: name, Data: data}})
	if err != nil {
		t.Fatal(err)
	}
	if err := runner.Progress().Wait(ctx, next.Position, accounts.Name); err != nil {
		t.Fatalf("the follower did not go on after the rebuild: %v", err)
	}
	cancel()
	<-done
	if r := leases.releases.Load(); r != 1 {
		t.Fatalf("after Run the lease was given up %d times, want once", r)
	}
}
