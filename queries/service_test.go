package queries_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/eventlog"
	"github.com/chance-video/chance/infra/clock"
	"github.com/chance-video/chance/projections"
	"github.com/chance-video/chance/queries"
	"github.com/chance-video/chance/queries/querytest"
	"github.com/chance-video/chance/readmodel/accounts"
	"github.com/chance-video/chance/readmodel/all"
	"github.com/chance-video/chance/readmodel/carts"
	"github.com/chance-video/chance/readmodel/catalogue"
)

var start = time.Date(2026, 12, 1, 18, 0, 0, 0, time.UTC)

// fixture is a query service over a real (embedded) read store, with the projections'
// progress in the test's hands. The read models' own queries are tested beside them.
type fixture struct {
	svc      *queries.Service
	store    *querytest.Store
	clock    *clock.Manual
	progress *projections.Progress
}

func newFixture(t *testing.T, opts queries.Options) *fixture {
	t.Helper()
	f := &fixture{store: querytest.Open(t), clock: clock.NewManual(start), progress: projections.NewProgress(projectionNames()...)}
	var err error
	if f.svc, err = queries.New(f.store, f.clock, f.progress, opts); err != nil {
		t.Fatal(err)
	}
	return f
}

func pos(n uint64) eventlog.Position { return eventlog.Position{Commit: n, Prepare: n} }

func TestAwaitWaitsForTheClientsLastWrite(t *testing.T) {
	f := newFixture(t, queries.Options{MaxWait: time.Millisecond})
	ctx := context.Background()
	alice, bob := uuid.New(), uuid.New()

	if err := f.svc.Await(ctx, alice, eventlog.Start, queries.ForBalance); err != nil {
		t.Fatalf("nothing written yet: %v", err)
	}
	f.svc.Wrote(alice, pos(5))
	if err := f.svc.Await(ctx, alice, eventlog.Start, queries.ForBalance); !errors.Is(err, queries.ErrBehind) {
		t.Fatalf("projections at 0, alice wrote at 5: %v, want ErrBehind", err)
	}
	if err := f.svc.Await(ctx, bob, eventlog.Start, queries.ForBalance); err != nil {
		t.Fatalf("bob wrote nothing and must not wait: %v", err)
	}
	if err := f.svc.Await(ctx, uuid.Nil, pos(3), queries.ForBalance); !errors.Is(err, queries.ErrBehind) {
		t.Fatalf("an explicit minimum position is honoured: %v", err)
	}
	f.progress.Set(accounts.Projector.Name(), pos(5))
	if err := f.svc.Await(ctx, alice, eventlog.Start, queries.ForBalance); err != nil {
		t.Fatalf("caught up: %v", err)
	}
	f.svc.Wrote(alice, pos(4)) // an older write finishing late does not move back
	if got := f.svc.LastWrite(alice); got != pos(5) {
		t.Fatalf("last write = %s, want 5", got)
	}
}

func TestAwaitReturnsWhenProjectionsCatchUp(t *testing.T) {
	f := newFixture(t, queries.Options{MaxWait: time.Minute})
	user := uuid.New()
	f.svc.Wrote(user, pos(2))
	done := make(chan error)
	go func() { done <- f.svc.Await(context.Background(), user, eventlog.Start, queries.ForCart) }()
	f.progress.Set(carts.Name, pos(2))
	f.progress.Set(catalogue.Name, pos(2))
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// A query waits for the read models it reads, never for the others nor for the notifier
// (issue 7: a stalled sender slowed every read after a write by the whole MaxWait).
func TestAwaitWaitsOnlyForTheReadModelsItReads(t *testing.T) {
	f := newFixture(t, queries.Options{MaxWait: time.Hour})
	f.progress.Track("notifier_v1") // stalled: never moves
	user := uuid.New()
	f.svc.Wrote(user, pos(7))
	f.progress.Set(accounts.Projector.Name(), pos(7))
	// The request's own deadline stands in for the hour-long MaxWait: a wait that
	// blocked would end with it instead of nil.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := f.svc.Await(ctx, user, eventlog.Start, queries.ForBalance); err != nil {
		t.Fatalf("the accounts read model has the write: Await = %v", err)
	}
	if err := f.svc.Await(ctx, user, eventlog.Start, queries.ForNotifications); err != nil {
		t.Fatalf("the inbox reads no projection: Await = %v", err)
	}
	quick, cancelQuick := context.WithCancel(context.Background())
	cancelQuick()
	if err := f.svc.Await(quick, user, eventlog.Start, queries.ForLedger); !errors.Is(err, context.Canceled) {
		t.Fatalf("the ledger is behind the write: Await = %v, want a wait (cut short by the request)", err)
	}
}

func projectionNames() []string {
	var names []string
	for _, p := range all.Projectors() {
		names = append(names, p.Name())
	}
	return names
}

func TestAwaitStopsWithTheRequest(t *testing.T) {
	f := newFixture(t, queries.Options{MaxWait: time.Minute})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := f.svc.Await(ctx, uuid.Nil, pos(1), queries.ForLedger); !errors.Is(err, context.Canceled) {
		t.Fatalf("error = %v, want context.Canceled", err)
	}
}

func TestLastWritesAreBounded(t *testing.T) {
	f := newFixture(t, queries.Options{MaxClients: 2, RememberFor: time.Minute})
	a, b, c, d := uuid.New(), uuid.New(), uuid.New(), uuid.New()
	f.svc.Wrote(a, pos(1))
	f.svc.Wrote(b, pos(2))
	f.svc.Wrote(c, pos(3)) // over MaxClients: the least recent (a) goes
	if got := f.svc.LastWrite(a); !got.IsStart() {
		t.Fatalf("a kept past MaxClients: %s", got)
	}
	if got := f.svc.LastWrite(c); got != pos(3) {
		t.Fatalf("c = %s", got)
	}
	f.clock.Advance(time.Minute)
	f.svc.Wrote(d, pos(4)) // b and c are a minute old: swept
	for _, u := range []uuid.UUID{b, c} {
		if got := f.svc.LastWrite(u); !got.IsStart() {
			t.Fatalf("a minute-old write kept: %s", got)
		}
	}
	if got := f.svc.LastWrite(d); got != pos(4) {
		t.Fatalf("d = %s", got)
	}
}

func TestOptionsValidate(t *testing.T) {
	if _, err := queries.New(nil, clock.NewManual(start), nil, queries.Options{MaxWait: -1}); err == nil {
		t.Fatal("negative MaxWait accepted")
	}
}

var queriesDefaults = queries.Options{}
