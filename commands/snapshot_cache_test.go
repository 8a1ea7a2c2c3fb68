package commands_test

import (
	"context"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/google/uuid"

	"github.com/chance-video/chance/commands"
	"github.com/chance-video/chance/infra/clock"
	"github.com/chance-video/chance/infra/eventstore/eventsqlite"
	"github.com/chance-video/chance/infra/snapshotstore/snapsqlite"
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
	dir := t.TempDir()
	store, err := eventsqlite.Open(filepath.Join(dir, "events.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	snaps, err := snapsqlite.Open(filepath.Join(dir, "snapshots.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer snaps.Close()
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
