package commands_test

import (
	"context"
	"errors"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/google/uuid"

	"github.com/chance-video/chance/commands"
	"github.com/chance-video/chance/domain"
	"github.com/chance-video/chance/domain/account"
	"github.com/chance-video/chance/domain/codec"
	"github.com/chance-video/chance/domain/money"
	"github.com/chance-video/chance/eventlog"
	"github.com/chance-video/chance/infra/clock"
	"github.com/chance-video/chance/infra/eventstore/eventsqlite"
	"github.com/chance-video/chance/infra/snapshotstore/snapsqlite"
)

// countingAccount is the account decider counting the events it evolves.
func countingAccount(n *atomic.Int64) domain.Decider[account.State, account.Command] {
	d := account.Decider
	d.Evolve = func(s account.State, e domain.Event) account.State {
		n.Add(1)
		return account.Decider.Evolve(s, e)
	}
	return d
}

// appendFills appends n top-ups of 1 kopeck to a customer's account, straight to the store.
func appendFills(t *testing.T, store *eventsqlite.Store, user uuid.UUID, from, n int) {
	t.Helper()
	c := codec.Shop()
	events := make([]eventlog.EventData, 0, n)
	for i := from; i < from+n; i++ {
		k := "seed-" + strconv.Itoa(i)
		name, data, err := c.Encode(account.FundsAdded{UserID: user, Payment: commands.PaymentID(user, k), Amount: 1, BalanceAfter: money.Kopecks(i + 1), At: start})
		if err != nil {
			t.Fatal(err)
		}
		events = append(events, eventlog.EventData{ID: uuid.New(), Type: name, Data: data, Metadata: eventlog.Metadata{IdempotencyKey: k, Fingerprint: "fp:" + k, OccurredAt: start}})
	}
	expected := eventlog.NoStream
	if from > 0 {
		expected = eventlog.Exact(uint64(from - 1))
	}
	if _, err := store.Append(context.Background(), account.Stream(user), expected, events); err != nil {
		t.Fatal(err)
	}
}

// A service that has not cached a 10,000-event stream starts from its snapshot and
// folds only what was appended after it; without a usable snapshot (none, another
// decider version, unreadable, or ending on an event the log does not hold) it folds
// from the start, and gets the same state.
func TestALongStreamIsFoldedFromItsSnapshot(t *testing.T) {
	ctx := context.Background()
	store, snaps := openWithSnapshots(t)
	var snapErrs atomic.Int64
	withSnapshots := commands.WithSnapshots(commands.SnapshotConfig{Store: snaps, OnError: func(string, error) { snapErrs.Add(1) }})
	user := uuid.New()
	stream := account.Stream(user)
	appendFills(t, store, user, 0, 10_000)

	var evolved atomic.Int64
	first := commands.New(store, clock.NewManual(start), withSnapshots)
	if _, err := commands.LoadWith(ctx, first, countingAccount(&evolved), stream); err != nil {
		t.Fatal(err)
	}
	mustEqual(t, "events folded by the first load", evolved.Load(), 10_000)
	first.WaitSnapshots()
	appendFills(t, store, user, 10_000, 3) // by another process, after the snapshot

	fold := func(d domain.Decider[account.State, account.Command], opts ...commands.Option) account.State {
		t.Helper()
		evolved.Store(0)
		svc := commands.New(store, clock.NewManual(start), opts...)
		s, err := commands.LoadWith(ctx, svc, d, stream)
		if err != nil {
			t.Fatal(err)
		}
		svc.WaitSnapshots() // what it saves is seen by the next, not by timing
		mustEqual(t, "balance", s.Balance, 10_003)
		mustEqual(t, "payments", s.Payments(), 10_003)
		if !s.Processed(commands.PaymentID(user, "seed-0")) || !s.Processed(commands.PaymentID(user, "seed-10002")) {
			t.Fatal("the state forgot a payment")
		}
		return s
	}
	fold(countingAccount(&evolved), withSnapshots)
	mustEqual(t, "events folded after a restart, with the snapshot", evolved.Load(), 3)
	fold(countingAccount(&evolved))
	mustEqual(t, "events folded without snapshots", evolved.Load(), 10_003)
	newer := countingAccount(&evolved)
	newer.Version++
	fold(newer, withSnapshots)
	mustEqual(t, "events folded by another decider version", evolved.Load(), 10_003)
	mustEqual(t, "snapshot errors so far", snapErrs.Load(), 0)

	if err := snaps.Save(ctx, commands.Snapshot{Stream: stream, Revision: 20_000, Version: account.Decider.Version, Data: []byte(`{"format":1,`)}); err != nil {
		t.Fatal(err)
	}
	fold(countingAccount(&evolved), withSnapshots)
	mustEqual(t, "events folded past an unreadable snapshot", evolved.Load(), 10_003)
	mustEqual(t, "unreadable snapshots reported", snapErrs.Load(), 1)

	// A snapshot whose last record the log does not hold (a log restored from an older
	// backup, or another log) is not used, though it is at a revision the stream has:
	// a 600-event stream's snapshot saved as that of a 700-event one.
	foreign := commands.New(store, clock.NewManual(start), withSnapshots)
	other, third := uuid.New(), uuid.New()
	appendFills(t, store, other, 0, 600)
	appendFills(t, store, third, 0, 700)
	if _, err := foreign.Lookup().LoadAccount(ctx, other); err != nil {
		t.Fatal(err)
	}
	foreign.WaitSnapshots()
	snap, found, err := snaps.Load(ctx, account.Stream(other))
	if err != nil || !found || snap.Revision != 599 {
		t.Fatalf("no snapshot of a 600-event stream at 599: %+v %v", found, err)
	}
	snap.Stream = account.Stream(third)
	if err := snaps.Save(ctx, snap); err != nil {
		t.Fatal(err)
	}
	evolved.Store(0)
	s, err := commands.LoadWith(ctx, commands.New(store, clock.NewManual(start), withSnapshots), countingAccount(&evolved), account.Stream(third))
	if err != nil {
		t.Fatal(err)
	}
	mustEqual(t, "events folded past a snapshot of another log", evolved.Load(), 700)
	mustEqual(t, "balance past a snapshot of another log", s.Balance, 700)
	mustEqual(t, "snapshots of another log reported", snapErrs.Load(), 2)
}

// conflictOnce appends a top-up of its own just before the first append it passes on,
// as another process would, so that append fails with a revision conflict.
type conflictOnce struct {
	*eventsqlite.Store
	user uuid.UUID
	done atomic.Bool
}

func (c *conflictOnce) Append(ctx context.Context, stream string, exp eventlog.Expected, events []eventlog.EventData) (eventlog.AppendResult, error) {
	if stream == account.Stream(c.user) && c.done.CompareAndSwap(false, true) {
		rev, _ := exp.Revision()
		name, data, _ := codec.Shop().Encode(account.FundsAdded{UserID: c.user, Payment: commands.PaymentID(c.user, "other"), Amount: 7, At: start})
		if _, err := c.Store.Append(ctx, stream, eventlog.Exact(rev), []eventlog.EventData{{ID: uuid.New(), Type: name, Data: data, Metadata: eventlog.Metadata{IdempotencyKey: "other", Fingerprint: "fp:other", OccurredAt: start}}}); err != nil {
			return eventlog.AppendResult{}, err
		}
	}
	return c.Store.Append(ctx, stream, exp, events)
}

// A command whose append loses to another process decides again on the new state; the
// cached state it first decided on, which readers hold meanwhile, never changes.
func TestAConflictLeavesTheCachedStateAlone(t *testing.T) {
	sh := newShop(t)
	user := uuid.New()
	appendFills(t, sh.store, user, 0, 700)
	store := &conflictOnce{Store: sh.store, user: user}
	svc := commands.New(store, sh.clock)
	before, err := svc.Lookup().LoadAccount(sh.ctx, user)
	if err != nil {
		t.Fatal(err)
	}
	var readers sync.WaitGroup
	stop := make(chan struct{})
	for range 4 { // readers of the same cached states, for -race
		readers.Add(1)
		go func() {
			defer readers.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				if a, err := svc.Lookup().LoadAccount(sh.ctx, user); err != nil || a.Balance < 700 {
					t.Errorf("reader saw balance %d, %v", a.Balance, err)
					return
				}
			}
		}()
	}
	paid, err := svc.Fill(sh.ctx, user, 100, key("mine"))
	close(stop)
	readers.Wait()
	if err != nil || !store.done.Load() {
		t.Fatalf("fill: %v (conflict injected: %v)", err, store.done.Load())
	}
	mustEqual(t, "balance after the fill", paid.Balance, 807)
	mustEqual(t, "the state held before: balance", before.Balance, 700)
	if before.Processed(paid.PaymentID) || before.Processed(commands.PaymentID(user, "other")) {
		t.Fatal("a state held before the command learnt of later payments")
	}
	after, err := svc.Lookup().LoadAccount(sh.ctx, user)
	if err != nil {
		t.Fatal(err)
	}
	mustEqual(t, "cached balance after", after.Balance, 807)
	mustEqual(t, "cached payments after", after.Payments(), 702)
	fresh, err := commands.New(sh.store, sh.clock).Lookup().LoadAccount(sh.ctx, user)
	if err != nil {
		t.Fatal(err)
	}
	mustEqual(t, "a fresh fold's balance", fresh.Balance, 807)

	// The retry of the fill is answered from the key index, with the original events.
	again, err := svc.Fill(sh.ctx, user, 100, key("mine"))
	if err != nil || !again.Replayed || again.Position != paid.Position {
		t.Fatalf("retry: %+v, %v", again, err)
	}
	if _, err := svc.Fill(sh.ctx, user, 200, commands.Request{Key: "mine", Fingerprint: "another"}); !errors.Is(err, commands.ErrKeyReused) {
		t.Fatalf("the key with another request: %v", err)
	}
}

// A load from the stores that had to fold more than a few events beyond the snapshot
// leaves a snapshot of its own, so the next one (another start, or an eviction) folds
// only what came after it; a load that folded few leaves none.
func TestAColdLoadThatFoldedManyEventsLeavesASnapshot(t *testing.T) {
	ctx := context.Background()
	store, snaps := openWithSnapshots(t)
	withSnapshots := commands.WithSnapshots(commands.SnapshotConfig{Store: snaps, Every: 1_000, OnError: func(_ string, err error) { t.Error(err) }})
	user := uuid.New()
	stream := account.Stream(user)
	var evolved atomic.Int64
	coldLoad := func(want int64) {
		t.Helper()
		evolved.Store(0)
		svc := commands.New(store, clock.NewManual(start), withSnapshots)
		if _, err := commands.LoadWith(ctx, svc, countingAccount(&evolved), stream); err != nil {
			t.Fatal(err)
		}
		svc.WaitSnapshots()
		mustEqual(t, "events folded", evolved.Load(), want)
	}
	appendFills(t, store, user, 0, 10)
	coldLoad(10) // fewer than Every, and than what a cold load snapshots after
	coldLoad(10)
	appendFills(t, store, user, 10, 40)
	coldLoad(50) // leaves a snapshot at 50
	coldLoad(0)
	appendFills(t, store, user, 50, 5)
	coldLoad(5)
	coldLoad(5)
	if snap, found, err := snaps.Load(ctx, stream); err != nil || !found || snap.Revision != 49 {
		t.Fatalf("snapshot at %d (found %v, %v), want at 49", snap.Revision, found, err)
	}
}

// openWithSnapshots opens an SQLite event store and an SQLite snapshot store in a
// temporary folder, closed when the test ends.
func openWithSnapshots(t *testing.T) (*eventsqlite.Store, *snapsqlite.Store) {
	t.Helper()
	dir := t.TempDir()
	store, err := eventsqlite.Open(filepath.Join(dir, "events.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	snaps, err := snapsqlite.Open(filepath.Join(dir, "snapshots.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { snaps.Close() })
	return store, snaps
}
