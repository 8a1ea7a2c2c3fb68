package commands_test

import (
	"context"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/google/uuid"

	"github.com/chance-video/chance/commands"
	"github.com/chance-video/chance/domain/account"
	"github.com/chance-video/chance/infra/clock"
)

// countingSnapshots is a snapshot store counting the snapshots loaded from it.
type countingSnapshots struct {
	commands.Snapshots
	loads atomic.Int64
}

func (c *countingSnapshots) Load(ctx context.Context, stream string) (commands.Snapshot, bool, error) {
	c.loads.Add(1)
	return c.Snapshots.Load(ctx, stream)
}

// A stream restored from its snapshot with nothing appended since is cached like any
// other: reading it again does not load the snapshot again.
func TestAStreamRestoredAtItsHeadIsCached(t *testing.T) {
	ctx := context.Background()
	store, snaps := openWithSnapshots(t)
	user := uuid.New()
	appendFills(t, store, user, 0, 2_000)
	first := commands.New(store, clock.NewManual(start), commands.WithSnapshots(commands.SnapshotConfig{Store: snaps}))
	if _, err := first.Lookup().LoadAccount(ctx, user); err != nil {
		t.Fatal(err)
	}
	first.WaitSnapshots()

	counted := &countingSnapshots{Snapshots: snaps}
	svc := commands.New(store, clock.NewManual(start), commands.WithSnapshots(commands.SnapshotConfig{Store: counted}))
	for range 5 {
		a, err := svc.Lookup().LoadAccount(ctx, user)
		if err != nil {
			t.Fatal(err)
		}
		mustEqual(t, "balance", a.Balance, 2_000)
	}
	svc.WaitSnapshots()
	mustEqual(t, "snapshots loaded for 5 reads of an unchanged stream", counted.loads.Load(), 1)
}

// heldSnapshots holds its first Save until released, as a slow disk would.
type heldSnapshots struct {
	commands.Snapshots
	once    sync.Once
	release chan struct{}
}

func (h *heldSnapshots) Save(ctx context.Context, s commands.Snapshot) error {
	h.once.Do(func() { <-h.release })
	return h.Snapshots.Save(ctx, s)
}

// A snapshot skipped because the stream's previous one is still being written leaves
// the stream due: the next command writes it, rather than waiting Every more events.
func TestASkippedSnapshotIsWrittenByTheNextCommand(t *testing.T) {
	ctx := context.Background()
	store, snaps := openWithSnapshots(t)
	held := &heldSnapshots{Snapshots: snaps, release: make(chan struct{})}
	svc := commands.New(store, clock.NewManual(start), commands.WithSnapshots(commands.SnapshotConfig{Store: held, Every: 10}))
	user := uuid.New()
	fill := func(n int) {
		t.Helper()
		if _, err := svc.Fill(ctx, user, 1, commands.Request{Key: strconv.Itoa(n), Fingerprint: strconv.Itoa(n)}); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 25 { // a snapshot at 10 is held; those due at 20..24 are skipped
		fill(i)
	}
	close(held.release)
	svc.WaitSnapshots()
	fill(25) // its load folds up to revision 24: the stream is still due
	svc.WaitSnapshots()
	snap, found, err := snaps.Load(ctx, account.Stream(user))
	if err != nil || !found {
		t.Fatalf("no snapshot: %v", err)
	}
	mustEqual(t, "revision of the last snapshot", snap.Revision, 24)
}

// A cold load of a short stream (a new rental, a fresh account) reads the stream alone:
// no snapshot is looked for, as none is ever taken of so few events. A long one still
// starts from its snapshot.
func TestAShortStreamIsLoadedWithoutASnapshotLookup(t *testing.T) {
	ctx := context.Background()
	store, snaps := openWithSnapshots(t)
	short, long := uuid.New(), uuid.New()
	appendFills(t, store, short, 0, 3)
	appendFills(t, store, long, 0, 500)
	first := commands.New(store, clock.NewManual(start), commands.WithSnapshots(commands.SnapshotConfig{Store: snaps}))
	if _, err := first.Lookup().LoadAccount(ctx, long); err != nil {
		t.Fatal(err)
	}
	first.WaitSnapshots()

	counted := &countingSnapshots{Snapshots: snaps}
	svc := commands.New(store, clock.NewManual(start), commands.WithSnapshots(commands.SnapshotConfig{Store: counted}))
	a, err := svc.Lookup().LoadAccount(ctx, short)
	if err != nil {
		t.Fatal(err)
	}
	mustEqual(t, "short balance", a.Balance, 3)
	mustEqual(t, "snapshots looked for to load a 3-event stream", counted.loads.Load(), 0)
	if a, err = svc.Lookup().LoadAccount(ctx, long); err != nil {
		t.Fatal(err)
	}
	mustEqual(t, "long balance", a.Balance, 500)
	mustEqual(t, "snapshots looked for to load a 500-event stream", counted.loads.Load(), 1)
}
