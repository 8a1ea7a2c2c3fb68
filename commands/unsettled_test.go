package commands_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/commands"
	"github.com/chance-video/chance/eventlog"
	"github.com/chance-video/chance/infra/clock"
	"github.com/chance-video/chance/infra/eventstore/eventsqlite"
)

// lateAppend is the SQLite store whose next Append, once armed, answers "outcome
// unknown" at once (as when the caller's context ends while the writer commits) and
// lands only when the following Append comes: in between, its events are on their way
// to the file, not in it yet.
type lateAppend struct {
	*eventsqlite.Store
	mu    sync.Mutex
	armed bool
	held  func() error
}

func (l *lateAppend) Append(ctx context.Context, stream string, exp eventlog.Expected, events []eventlog.EventData) (eventlog.AppendResult, error) {
	l.mu.Lock()
	if l.armed {
		l.armed = false
		l.held = func() error {
			_, err := l.Store.Append(context.Background(), stream, exp, events)
			return err
		}
		l.mu.Unlock()
		return eventlog.AppendResult{}, fmt.Errorf("append to %s (outcome unknown, retry is idempotent): %w", stream, context.DeadlineExceeded)
	}
	held := l.held
	l.held = nil
	l.mu.Unlock()
	if held != nil {
		if err := held(); err != nil {
			return eventlog.AppendResult{}, err
		}
	}
	return l.Store.Append(ctx, stream, exp, events)
}

// A retry decided while the first try's append was still on its way (its caller had
// given up) is found already stored by the store, at the very revisions the retry
// planned: the state left cached must be the stored events', not the retry's own
// (decided a minute later: another expiry). Before, the retry's state was cached and
// trusted from then on, since the store's head matched it.
func TestARetryOfAnAppendStillOnItsWayLeavesTheStoredState(t *testing.T) {
	ctx := context.Background()
	store, err := eventsqlite.Open(filepath.Join(t.TempDir(), "events.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	late := &lateAppend{Store: store}
	p := newProvider()
	payments := commands.WithPayments(commands.Payments{Provider: p, Verifier: p, PendingTTL: 30 * time.Minute})
	clk := clock.NewManual(start)
	svc := commands.New(late, clk, payments)
	user := uuid.New()
	if _, err := svc.Fill(ctx, user, 100, key("first")); err != nil {
		t.Fatal(err)
	}

	late.mu.Lock()
	late.armed = true
	late.mu.Unlock()
	if _, err := svc.Fill(ctx, user, 500, key("second")); err == nil {
		t.Fatal("the first try of the second top-up: no error, want outcome unknown")
	}
	clk.Advance(time.Minute)
	if _, err := svc.Fill(ctx, user, 500, key("second")); err != nil {
		t.Fatal(err)
	}

	payment := commands.PaymentID(user, "second")
	fresh, err := commands.New(store, clk, payments).Lookup().LoadAccount(ctx, user)
	if err != nil {
		t.Fatal(err)
	}
	stored, _ := fresh.TopUp(payment)
	cached, err := svc.Lookup().LoadAccount(ctx, user)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := cached.TopUp(payment)
	if !got.ExpiresAt.Equal(stored.ExpiresAt) {
		t.Fatalf("the service's state says the top-up expires at %s, the log says %s", got.ExpiresAt, stored.ExpiresAt)
	}
	mustEqual(t, "stored expiry", stored.ExpiresAt, start.Add(30*time.Minute))
}
