package queries_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain"
	"github.com/chance-video/chance/eventlog"
	"github.com/chance-video/chance/infra/clock"
	readsqlite "github.com/chance-video/chance/infra/readstore/sqlite"
	"github.com/chance-video/chance/projections"
	"github.com/chance-video/chance/queries"
)

var start = time.Date(2026, 12, 1, 18, 0, 0, 0, time.UTC)

// fixture is a query service over a real (embedded) read store whose rows the tests
// write directly, as projectors would.
type fixture struct {
	t        *testing.T
	svc      *queries.Service
	store    *readsqlite.Store
	clock    *clock.Manual
	progress *projections.Progress
	next     uint64
}

func newFixture(t *testing.T, opts queries.Options) *fixture {
	t.Helper()
	store, err := readsqlite.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	f := &fixture{t: t, store: store, clock: clock.NewManual(start), progress: projections.NewProgress("test")}
	if f.svc, err = queries.New(store, f.clock, f.progress, opts); err != nil {
		t.Fatal(err)
	}
	return f
}

// put writes rows through one projection's transaction, as its projector would.
func (f *fixture) put(p projections.Projector, write func(tx projections.Tx) error) {
	f.t.Helper()
	f.next++
	pos := eventlog.Position{Commit: f.next, Prepare: f.next}
	if err := f.store.Update(context.Background(), p.Name(), pos, write); err != nil {
		f.t.Fatal(err)
	}
}

func wantKind(t *testing.T, err, kind error) {
	t.Helper()
	if !errors.Is(err, kind) {
		t.Fatalf("error = %v, want %v", err, kind)
	}
	var d *domain.Error
	if !errors.As(err, &d) || d.Detail == "" {
		t.Fatalf("error %v has no customer-readable detail", err)
	}
}

func pos(n uint64) eventlog.Position { return eventlog.Position{Commit: n, Prepare: n} }

func TestAwaitWaitsForTheClientsLastWrite(t *testing.T) {
	f := newFixture(t, queries.Options{MaxWait: time.Millisecond})
	ctx := context.Background()
	alice, bob := uuid.New(), uuid.New()

	if err := f.svc.Await(ctx, alice, eventlog.Start); err != nil {
		t.Fatalf("nothing written yet: %v", err)
	}
	f.svc.Wrote(alice, pos(5))
	if err := f.svc.Await(ctx, alice, eventlog.Start); !errors.Is(err, queries.ErrBehind) {
		t.Fatalf("projections at 0, alice wrote at 5: %v, want ErrBehind", err)
	}
	if err := f.svc.Await(ctx, bob, eventlog.Start); err != nil {
		t.Fatalf("bob wrote nothing and must not wait: %v", err)
	}
	if err := f.svc.Await(ctx, uuid.Nil, pos(3)); !errors.Is(err, queries.ErrBehind) {
		t.Fatalf("an explicit minimum position is honoured: %v", err)
	}
	f.progress.Set("test", pos(5))
	if err := f.svc.Await(ctx, alice, eventlog.Start); err != nil {
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
	go func() { done <- f.svc.Await(context.Background(), user, eventlog.Start) }()
	f.progress.Set("test", pos(2))
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func TestAwaitStopsWithTheRequest(t *testing.T) {
	f := newFixture(t, queries.Options{MaxWait: time.Minute})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := f.svc.Await(ctx, uuid.Nil, pos(1)); !errors.Is(err, context.Canceled) {
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
