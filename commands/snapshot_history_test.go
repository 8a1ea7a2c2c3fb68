package commands_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/commands"
	"github.com/chance-video/chance/domain/account"
	"github.com/chance-video/chance/domain/money"
	"github.com/chance-video/chance/infra/clock"
	"github.com/chance-video/chance/infra/eventstore/eventsqlite"
	"github.com/chance-video/chance/infra/snapshotstore/snapsqlite"
)

// The log is restored from a backup taken after revision 17 while the snapshots are
// not; afterwards another request lands at 18 and a client's retry of k19 lands at 19
// again: same stream, key and revision, so the same event id as in the lost history.
// The snapshot of the lost history must not be used: it would count the lost top-up
// in the balance and as processed (its retry refused for ever).
func TestASnapshotOfALostHistoryIsNotUsed(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	snaps, err := snapsqlite.Open(filepath.Join(dir, "snapshots.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer snaps.Close()
	var unusable int
	opt := commands.WithSnapshots(commands.SnapshotConfig{Store: snaps, OnError: func(string, error) { unusable++ }})
	user := uuid.New()
	fill := func(svc *commands.Service, k string, amount money.Kopecks) {
		t.Helper()
		if _, err := svc.Fill(ctx, user, amount, commands.Request{Key: k, Fingerprint: "fp:" + k}); err != nil {
			t.Fatal(err)
		}
	}
	lost, err := eventsqlite.Open(filepath.Join(dir, "lost.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer lost.Close()
	restored, err := eventsqlite.Open(filepath.Join(dir, "restored.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer restored.Close()
	before, after := clock.NewManual(start), clock.NewManual(start)
	s1, s2 := commands.New(lost, before), commands.New(restored, after)
	for i := range 18 {
		fill(s1, fmt.Sprint("k", i), 100)
		fill(s2, fmt.Sprint("k", i), 100)
	}
	fill(s1, "k18", 100_000) // lost by the restore
	fill(s1, "k19", 100)
	after.Advance(time.Hour) // the restore took a while
	fill(s2, "other", 1)
	fill(s2, "k19", 100) // the client's retry

	old := commands.New(lost, before, opt)
	if _, err := old.Lookup().LoadAccount(ctx, user); err != nil { // cold: folds 20, leaves a snapshot
		t.Fatal(err)
	}
	old.WaitSnapshots()
	if _, found, err := snaps.Load(ctx, account.Stream(user)); err != nil || !found {
		t.Fatalf("no snapshot of the lost history: %v", err)
	}

	svc := commands.New(restored, after, opt)
	got, err := svc.Lookup().LoadAccount(ctx, user)
	if err != nil {
		t.Fatal(err)
	}
	mustEqual(t, "balance on the restored log", got.Balance, 18*100+1+100)
	mustEqual(t, "snapshots found unusable", unusable, 1)
	svc.WaitSnapshots()
	// The unusable snapshot was replaced by one of this log, though at the same revision.
	restarted := commands.New(restored, after, opt)
	if got, err = restarted.Lookup().LoadAccount(ctx, user); err != nil {
		t.Fatal(err)
	}
	mustEqual(t, "balance after a restart", got.Balance, 18*100+1+100)
	mustEqual(t, "snapshots found unusable after a restart", unusable, 1)
	fill(svc, "k18", 100_000) // the lost top-up, retried: applied, not refused
	svc.WaitSnapshots()
}
