package projections_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain/account"
	"github.com/chance-video/chance/domain/codec"
	"github.com/chance-video/chance/eventlog"
	"github.com/chance-video/chance/infra/eventstore/eventsqlite"
	"github.com/chance-video/chance/infra/readstore/readsqlite"
	"github.com/chance-video/chance/projections"
	"github.com/chance-video/chance/readmodel/accounts"
	"github.com/chance-video/chance/readmodel/users"
)

var errProjector = errors.New("projector failed")

// failing fails on its first event, once busy has started working.
type failing struct{ busy <-chan struct{} }

func (failing) Name() string                  { return users.Name } // tables the store has
func (failing) Handles(eventType string) bool { return eventType == account.FundsAdded{}.EventType() }
func (f failing) Apply(ctx context.Context, _ projections.Writes, _ projections.Event) error {
	select {
	case <-f.busy:
		return errProjector
	case <-ctx.Done():
		return ctx.Err()
	}
}

// busy works on its first event until it is told to stop, and says when it has.
type busy struct{ started, stopped chan struct{} }

func (busy) Name() string                  { return accounts.Name }
func (busy) Handles(eventType string) bool { return eventType == account.FundsAdded{}.EventType() }
func (b busy) Apply(ctx context.Context, _ projections.Writes, _ projections.Event) error {
	close(b.started)
	<-ctx.Done()
	close(b.stopped)
	return ctx.Err()
}

func openStores(t *testing.T) (*eventsqlite.Store, *readsqlite.Store) {
	t.Helper()
	dir := t.TempDir()
	events, err := eventsqlite.Open(filepath.Join(dir, "events.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { events.Close() })
	reads, err := readsqlite.Open(filepath.Join(dir, "read"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { reads.Close() })
	user := uuid.New()
	name, data, err := codec.Shop().Encode(account.FundsAdded{UserID: user, Payment: uuid.New(), Amount: 100, BalanceAfter: 100, At: time.Now().UTC()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := events.Append(context.Background(), account.Stream(user), eventlog.NoStream, []eventlog.EventData{{ID: uuid.New(), Type: name, Data: data}}); err != nil {
		t.Fatal(err)
	}
	return events, reads
}

// When one projector fails, Run stops the others and waits for them before it
// returns, so the caller can close the stores under nobody.
func TestRunStopsEveryFollowerWhenOneFails(t *testing.T) {
	events, reads := openStores(t)
	b := busy{started: make(chan struct{}), stopped: make(chan struct{})}
	runner := projections.NewRunner(events, reads, failing{busy: b.started}, b)

	// Cancelled only when the test ends (before the stores close): until then, only
	// the failure can stop the runner.
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	err := runner.Run(ctx)
	if !errors.Is(err, errProjector) {
		t.Fatalf("Run = %v, want the projector's failure", err)
	}
	select {
	case <-b.stopped:
	default:
		t.Fatal("Run returned while another projector was still working")
	}
	// A rebuild asked for after the runner stopped starts no follower again.
	if err := runner.Rebuild(context.Background(), b.Name(), nil); !errors.Is(err, projections.ErrStopped) {
		t.Fatalf("Rebuild after Run returned = %v, want ErrStopped", err)
	}
}
