package commands_test

import (
	"context"
	"path/filepath"
	"strconv"
	"strings"
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

// After a command appends, its stream's next load reads nothing back: the state the
// command left is cached, and the store confirms it is current. With snapshots on, a
// stream still gets its snapshot every Every events (that load reads the events back).
func TestACommandLeavesItsStateCached(t *testing.T) {
	ctx := context.Background()
	store, snaps := openWithSnapshots(t)
	counted := &readCounting{Store: store}
	svc := commands.New(counted, clock.NewManual(start), commands.WithSnapshots(commands.SnapshotConfig{Store: snaps, Every: 10}))
	user := uuid.New()
	for i := range 25 {
		if _, err := svc.Fill(ctx, user, 100, key("fill-"+strconv.Itoa(i))); err != nil {
			t.Fatal(err)
		}
	}
	if a, err := svc.Lookup().LoadAccount(ctx, user); err != nil || a.Balance != 2_500 {
		t.Fatalf("balance %d, %v; want 2500", a.Balance, err)
	}
	svc.WaitSnapshots()
	// One read back per snapshot due (at 10 and 20 events); the first fill's cold load
	// of the new stream is a ranged read (a short stream), not counted here.
	mustEqual(t, "stream reads for 25 top-ups and a load", counted.reads.Load(), 2)
	snap, found, err := snaps.Load(ctx, "account-"+user.String())
	if err != nil || !found {
		t.Fatalf("no snapshot: %v", err)
	}
	mustEqual(t, "snapshot revision", snap.Revision, 19)

	// A retry of a top-up is still recognised (the key index was kept).
	res, err := svc.Fill(ctx, user, 100, key("fill-3"))
	if err != nil || !res.Replayed {
		t.Fatalf("retry: %+v, %v", res, err)
	}
}

// streamReads counts the reads of streams whose name starts with prefix, whole or ranged.
type streamReads struct {
	*eventsqlite.Store
	prefix string
	reads  atomic.Int64
}

func (r *streamReads) ReadStream(ctx context.Context, stream string, from uint64) ([]eventlog.Record, error) {
	if strings.HasPrefix(stream, r.prefix) {
		r.reads.Add(1)
	}
	return r.Store.ReadStream(ctx, stream, from)
}

func (r *streamReads) ReadStreamRange(ctx context.Context, stream string, from, to uint64) ([]eventlog.Record, error) {
	if strings.HasPrefix(stream, r.prefix) {
		r.reads.Add(1)
	}
	return r.Store.ReadStreamRange(ctx, stream, from, to)
}

// A rent creates a new rental stream without reading it (planning looked for a free
// slot, creating it appended): the store knows the file holds none of it. Loading
// it afterwards reads nothing either (the command left its state cached).
func TestARentDoesNotReadItsNewRentalStream(t *testing.T) {
	store, snaps := openWithSnapshots(t) // with snapshots, a cold load of a short stream is a ranged read
	if err := store.StreamsIndexed(context.Background()); err != nil {
		t.Fatal(err)
	}
	counted := &streamReads{Store: store, prefix: "rental-"}
	clk := clock.NewManual(start)
	sh := &shop{t: t, ctx: context.Background(), store: store, clock: clk,
		svc: commands.New(counted, clk, commands.WithSnapshots(commands.SnapshotConfig{Store: snaps, Every: 100}))}
	user, p := sh.customer(), sh.publish("Маузер")
	sh.fill(user, 100_000)
	res := sh.rent(user, p, 24, "rent-1")
	r, err := sh.svc.Lookup().LoadRental(sh.ctx, res.Rentals[0].RentalID)
	if err != nil || !r.Exists() {
		t.Fatalf("rental: %+v, %v", r, err)
	}
	mustEqual(t, "reads of rental streams for a rent and a load", counted.reads.Load(), 0)
	again := sh.rent(user, p, 24, "rent-1")
	mustEqual(t, "replayed", again.Replayed, true)
}
