package commands_test

import (
	"context"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/google/uuid"

	"github.com/chance-video/chance/commands"
	"github.com/chance-video/chance/eventlog"
	"github.com/chance-video/chance/infra/clock"
	"github.com/chance-video/chance/infra/eventstore/eventsqlite"
)

// readCounting counts the stream reads made through it and passes the store's
// CommittedNext on.
type readCounting struct {
	*eventsqlite.Store
	reads atomic.Int64
}

func (r *readCounting) ReadStream(ctx context.Context, stream string, from uint64) ([]eventlog.Record, error) {
	r.reads.Add(1)
	return r.Store.ReadStream(ctx, stream, from)
}

// A cached stream the store knows nothing was appended to since is not read again; one
// another service (on the same store) appended to is, and its events are folded.
func TestACurrentCachedStreamIsNotReadAgain(t *testing.T) {
	ctx := context.Background()
	store, err := eventsqlite.Open(filepath.Join(t.TempDir(), "events.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	counted := &readCounting{Store: store}
	svc := commands.New(counted, clock.NewManual(start))
	other := commands.New(store, clock.NewManual(start))
	user := uuid.New()
	if _, err := other.Fill(ctx, user, 100, key("first")); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if a, err := svc.Lookup().LoadAccount(ctx, user); err != nil || a.Balance != 100 {
			t.Fatalf("balance %d, %v; want 100", a.Balance, err)
		}
	}
	mustEqual(t, "reads for 3 loads of an unchanged stream", counted.reads.Load(), 1)

	if _, err := other.Fill(ctx, user, 50, key("second")); err != nil {
		t.Fatal(err)
	}
	a, err := svc.Lookup().LoadAccount(ctx, user)
	if err != nil {
		t.Fatal(err)
	}
	mustEqual(t, "balance after another service's top-up", a.Balance, 150)
	mustEqual(t, "reads", counted.reads.Load(), 2)
}
