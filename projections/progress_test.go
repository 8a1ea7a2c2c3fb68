package projections

import (
	"context"
	"errors"
	"testing"

	"github.com/chance-video/chance/eventlog"
)

func at(n uint64) eventlog.Position { return eventlog.Position{Commit: n, Prepare: n} }

func TestProgressWaitsForEveryFollower(t *testing.T) {
	p := NewProgress("a", "b")
	p.Track("notifier")
	done := make(chan error, 1)
	go func() { done <- p.Wait(context.Background(), at(5)) }()
	p.Set("a", at(7))
	p.Set("b", at(5))
	select {
	case err := <-done:
		t.Fatalf("returned %v while the notifier was behind", err)
	default:
	}
	p.Set("notifier", at(9))
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	p.Set("a", at(3)) // a restart re-reads from an older checkpoint: progress does not go back
	if got := p.Reached("a"); got != at(7) {
		t.Fatalf("reached moved back to %s", got)
	}
}

func TestProgressWaitEndsWithItsContext(t *testing.T) {
	p := NewProgress("a")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := p.Wait(ctx, at(1)); !errors.Is(err, context.Canceled) {
		t.Fatalf("Wait = %v, want context.Canceled", err)
	}
	if err := p.Wait(ctx, eventlog.Start); err != nil {
		t.Fatalf("waiting for the start: %v", err)
	}
}

// A wait for some followers ends when those have caught up, however far behind the
// others are (a query never waits for the notifier).
func TestProgressWaitsOnlyForTheNamedFollowers(t *testing.T) {
	p := NewProgress("accounts", "ledger")
	p.Track("notifier")
	p.Set("accounts", at(5))
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // a wait that had to block would fail at once
	if err := p.Wait(ctx, at(5), "accounts"); err != nil {
		t.Fatalf("accounts reached 5, the others did not: %v", err)
	}
	if err := p.Wait(ctx, at(5), "accounts", "ledger"); !errors.Is(err, context.Canceled) {
		t.Fatalf("ledger is behind: Wait = %v, want context.Canceled", err)
	}
	if err := p.Wait(context.Background(), at(1), "nobody"); !errors.Is(err, ErrUnknownProjection) {
		t.Fatalf("an untracked name: Wait = %v, want ErrUnknownProjection", err)
	}
}

// Setting the position a follower already has wakes no waiter (a watcher sees the same
// positions again and again); Waiting counts the blocked waiters and says when one more
// starts blocking.
func TestProgressWakesWaitersOnlyWhenAPositionMoves(t *testing.T) {
	p := NewProgress("a")
	p.Set("a", at(3))
	n, began := p.Waiting()
	if n != 0 {
		t.Fatalf("%d waiters before any Wait", n)
	}
	done := make(chan error, 1)
	go func() { done <- p.Wait(context.Background(), at(5), "a") }()
	<-began
	p.mu.Lock()
	changed := p.changed
	p.mu.Unlock()
	p.Set("a", at(3))
	select {
	case <-changed:
		t.Fatal("setting the same position woke the waiters")
	default:
	}
	if n, _ := p.Waiting(); n != 1 {
		t.Fatalf("%d waiters, want 1", n)
	}
	p.Set("a", at(5))
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if n, _ := p.Waiting(); n != 0 {
		t.Fatalf("%d waiters after the Wait returned", n)
	}
}
