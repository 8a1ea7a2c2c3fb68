package projections_test

import (
	"context"
	"errors"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chance-video/chance/eventlog"
	"github.com/chance-video/chance/infra/readstore/readsqlite"
	"github.com/chance-video/chance/projections"
	"github.com/chance-video/chance/readmodel/accounts"
	"github.com/chance-video/chance/readmodel/all"
	"github.com/chance-video/chance/readmodel/ledger"
)

// countingLog counts the records its subscriptions delivered.
type countingLog struct {
	projections.Log
	records atomic.Int64
}

func (l *countingLog) Subscribe(ctx context.Context, after eventlog.Position, handle func(context.Context, []eventlog.Record) error) error {
	return l.Log.Subscribe(ctx, after, func(ctx context.Context, batch []eventlog.Record) error {
		l.records.Add(int64(len(batch)))
		return handle(ctx, batch)
	})
}

func freshReads(t *testing.T) *readsqlite.Store {
	t.Helper()
	reads, err := readsqlite.Open(filepath.Join(t.TempDir(), "read"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { reads.Close() })
	return reads
}

// Every projection is rebuilt from one pass: the log's records are read once in all,
// and each projection is swapped in at the head with what the log holds.
func TestRebuildAllReadsTheLogOnce(t *testing.T) {
	shape := shopLog{premieres: 3, accounts: 20, topUps: 30, rents: 3}
	log := &countingLog{Log: shape.write(t)}
	reads := freshReads(t)
	ctx := t.Context()
	head, err := log.Head(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := projections.RebuildAll(ctx, log, reads, all.Projectors(), nil); err != nil {
		t.Fatal(err)
	}
	if got := log.records.Load(); got != int64(shape.events()) {
		t.Errorf("read %d records to rebuild %d projections from a log of %d, want each once", got, len(all.Projectors()), shape.events())
	}
	for _, p := range all.Projectors() {
		if at, err := reads.Checkpoint(ctx, p.Name()); err != nil || at != head {
			t.Errorf("%s swapped in at %v (%v), want the head %v", p.Name(), at, err, head)
		}
	}
	lines, err := reads.Ledger(ctx, ledger.Query{})
	if err != nil || len(lines) != shape.accounts*(shape.topUps+shape.rents) {
		t.Errorf("%d ledger lines (%v), want %d", len(lines), err, shape.accounts*(shape.topUps+shape.rents))
	}
}

// failingAt is a projector that fails on its n-th event.
type failingAt struct {
	projections.Projector
	n, seen int
}

var errFailingAt = errors.New("the projector failed")

func (f *failingAt) Apply(ctx context.Context, tx projections.Writes, e projections.Event) error {
	if f.seen++; f.seen == f.n {
		return errFailingAt
	}
	return f.Projector.Apply(ctx, tx, e)
}

// A projection whose rebuild fails is named in the error and discarded (its serving
// tables stay, a new rebuild may start); the others of the pass are swapped in.
func TestAFailedProjectionLeavesTheOthersOfThePass(t *testing.T) {
	shape := shopLog{premieres: 2, accounts: 10, topUps: 40, rents: 2}
	log := shape.write(t)
	reads := freshReads(t)
	ctx := t.Context()
	head, err := log.Head(ctx)
	if err != nil {
		t.Fatal(err)
	}
	err = projections.RebuildAll(ctx, log, reads, []projections.Projector{&failingAt{Projector: accounts.Projector, n: 300}, ledger.Projector}, nil)
	var failed projections.Failed
	if !errors.As(err, &failed) || len(failed) != 1 || !errors.Is(failed[accounts.Name], errFailingAt) {
		t.Fatalf("rebuild: %v, want accounts_v1 alone failed with the projector's error", err)
	}
	if at, err := reads.Checkpoint(ctx, ledger.Name); err != nil || at != head {
		t.Errorf("ledger swapped in at %v (%v), want the head %v", at, err, head)
	}
	if at, err := reads.Checkpoint(ctx, accounts.Name); err != nil || at != eventlog.Start {
		t.Errorf("the failed projection serves from %v (%v), want its old tables (empty)", at, err)
	}
	if err := projections.Rebuild(ctx, log, reads, accounts.Projector, nil); err != nil {
		t.Errorf("a new rebuild after the failed one: %v", err)
	}
}

// Online, a rebuild of several projections pauses each follower inside its lease and
// resumes it on the new tables.
func TestRebuildTogetherKeepsTheLeases(t *testing.T) {
	events, reads := openStores(t)
	leases := &countingLeases{}
	runner := projections.NewRunner(events, reads, accounts.Projector, ledger.Projector)
	runner.UseLeases(leases)
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- runner.Run(ctx) }()
	head, err := events.Head(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := runner.Progress().Wait(ctx, head); err != nil {
		t.Fatal(err)
	}
	if err := runner.RebuildTogether(ctx, []string{accounts.Name, ledger.Name}, nil, nil); err != nil {
		t.Fatalf("rebuild: %v", err)
	}
	if h, r := leases.holds.Load(), leases.releases.Load(); h != 2 || r != 0 {
		t.Fatalf("during the rebuild the leases were taken %d times and given up %d times, want twice and never", h, r)
	}
	for _, name := range []string{accounts.Name, ledger.Name} {
		if at, err := reads.Checkpoint(ctx, name); err != nil || at != head {
			t.Errorf("%s at %v (%v) after the rebuild, want %v", name, at, err, head)
		}
	}
	cancel()
	<-done
}
