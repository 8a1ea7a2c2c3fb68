package commands_test

import (
	"context"
	"errors"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/google/uuid"

	"github.com/chance-video/chance/commands"
	"github.com/chance-video/chance/eventlog"
	"github.com/chance-video/chance/infra/clock"
	"github.com/chance-video/chance/infra/eventstore/eventsqlite"
)

// After a restart, a stream restored from its snapshot still knows its keys: a retry
// gets the original outcome and a key reused with another request ErrKeyReused, for
// keys at either end of the stream and both sides of the index's runs; and a key
// another process appended is replayed by a process that had the stream cached.
func TestKeysAreKnownAfterARestartFromASnapshot(t *testing.T) {
	ctx := context.Background()
	store, snaps := openWithSnapshots(t)
	counted := &countingSnapshots{Snapshots: snaps}
	opt := commands.WithSnapshots(commands.SnapshotConfig{Store: counted, OnError: func(_ string, err error) { t.Error(err) }})
	user := uuid.New()
	appendFills(t, store, user, 0, 3_000)
	first := commands.New(store, clock.NewManual(start), opt)
	if _, err := first.Lookup().LoadAccount(ctx, user); err != nil {
		t.Fatal(err)
	}
	first.WaitSnapshots()
	for _, k := range []string{"seed-0", "seed-255", "seed-256", "seed-2999"} {
		svc := commands.New(store, clock.NewManual(start), opt) // a restart
		got, err := svc.Fill(ctx, user, 1, commands.Request{Key: k, Fingerprint: "fp:" + k})
		if err != nil || !got.Replayed || got.PaymentID != commands.PaymentID(user, k) {
			t.Fatalf("retry of %s after a restart: %+v %v", k, got, err)
		}
		if _, err := svc.Fill(ctx, user, 1, commands.Request{Key: k, Fingerprint: "other"}); !errors.Is(err, commands.ErrKeyReused) {
			t.Fatalf("%s reused after a restart: %v", k, err)
		}
		svc.WaitSnapshots()
	}
	mustEqual(t, "snapshots loaded (the first found none, then one per restart)", counted.loads.Load(), 5)

	warm := commands.New(store, clock.NewManual(start), opt)
	other := commands.New(store, clock.NewManual(start), opt)
	if _, err := warm.Lookup().LoadAccount(ctx, user); err != nil {
		t.Fatal(err)
	}
	original, err := other.Fill(ctx, user, 5, commands.Request{Key: "x", Fingerprint: "fx"})
	if err != nil {
		t.Fatal(err)
	}
	retried, err := warm.Fill(ctx, user, 5, commands.Request{Key: "x", Fingerprint: "fx"})
	if err != nil || !retried.Replayed || retried.Position != original.Position {
		t.Fatalf("retry in a process that had the stream cached: %+v %v, want the original at %v", retried, err, original.Position)
	}
	warm.WaitSnapshots()
	other.WaitSnapshots()
}

// recordCounting is a store counting the records its stream reads return.
type recordCounting struct {
	*eventsqlite.Store
	read atomic.Int64
}

func (c *recordCounting) ReadStream(ctx context.Context, stream string, from uint64) ([]eventlog.Record, error) {
	r, err := c.Store.ReadStream(ctx, stream, from)
	c.read.Add(int64(len(r)))
	return r, err
}

func (c *recordCounting) ReadStreamRange(ctx context.Context, stream string, from, to uint64) ([]eventlog.Record, error) {
	r, err := c.Store.ReadStreamRange(ctx, stream, from, to)
	c.read.Add(int64(len(r)))
	return r, err
}

// A retry of an early request on a long stream reads that request's records, not the
// stream from there to its end.
func TestAReplayReadsOnlyTheRequestsRecords(t *testing.T) {
	ctx := context.Background()
	store, err := eventsqlite.Open(filepath.Join(t.TempDir(), "events.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	user := uuid.New()
	appendFills(t, store, user, 0, 3_000)
	counted := &recordCounting{Store: store}
	svc := commands.New(counted, clock.NewManual(start))
	if _, err := svc.Lookup().LoadAccount(ctx, user); err != nil {
		t.Fatal(err)
	}
	counted.read.Store(0)
	got, err := svc.Fill(ctx, user, 1, commands.Request{Key: "seed-10", Fingerprint: "fp:seed-10"})
	if err != nil || !got.Replayed || got.PaymentID != commands.PaymentID(user, "seed-10") {
		t.Fatalf("retry of seed-10: %+v %v", got, err)
	}
	mustEqual(t, "records read by the replay", counted.read.Load(), 1)
}
