package queries_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/eventlog"
	"github.com/chance-video/chance/queries"
	"github.com/chance-video/chance/readmodel/ledger"
)

// A read model fed from the bus has no log position to wait for: a reader waits until
// it has applied the reader's own stream up to the write side's revision.
func TestAwaitWaitsForAFedReadModelPerStream(t *testing.T) {
	ctx := context.Background()
	alice, newcomer := uuid.New(), uuid.New()
	var looks atomic.Int32
	var writtenErr error
	fed := queries.Fed{
		StreamOf: func(u uuid.UUID) string { return "account-" + u.String() },
		Written: func(_ context.Context, stream string) (uint64, bool, error) {
			if stream == "account-"+newcomer.String() {
				return 0, false, writtenErr
			}
			return 3, true, writtenErr
		},
		// Behind for the first looks: nothing yet, then revision 2, then 3.
		Applied: func(context.Context, string) (uint64, bool, error) {
			switch n := looks.Add(1); {
			case n == 1:
				return 0, false, nil
			case n == 2:
				return 2, true, nil
			default:
				return 3, true, nil
			}
		},
	}
	f := newFixture(t, queries.Options{MaxWait: 10 * time.Second, Fed: map[string]queries.Fed{ledger.Name: fed}})
	if err := f.svc.Await(ctx, alice, eventlog.Start, queries.ForLedger); err != nil || looks.Load() != 3 {
		t.Fatalf("await: %v after %d looks; want caught up at the third", err, looks.Load())
	}
	looks.Store(0)
	if err := f.svc.Await(ctx, newcomer, eventlog.Start, queries.ForLedger); err != nil || looks.Load() != 0 {
		t.Fatalf("a customer with no account stream: %v after %d looks; want no wait", err, looks.Load())
	}
	if err := f.svc.Await(ctx, uuid.Nil, eventlog.Start, queries.ForLedger); err != nil || looks.Load() != 0 {
		t.Fatalf("an anonymous reader: %v after %d looks; want no wait", err, looks.Load())
	}
	// The fed read model is not waited for by position: the runner does not follow it.
	f.svc.Wrote(alice, pos(9))
	looks.Store(2)
	if err := f.svc.Await(ctx, alice, eventlog.Start, queries.ForLedger); err != nil {
		t.Fatalf("await after a write at a position no projection reached: %v", err)
	}

	writtenErr = errors.New("event store unreachable")
	if err := f.svc.Await(ctx, alice, eventlog.Start, queries.ForLedger); !errors.Is(err, queries.ErrBehind) {
		t.Fatalf("the write side cannot tell its revision: %v; want ErrBehind (answer from what the read model has)", err)
	}
	writtenErr = nil

	stuck := fed
	stuck.Applied = func(context.Context, string) (uint64, bool, error) { return 1, true, nil }
	f = newFixture(t, queries.Options{MaxWait: 20 * time.Millisecond, Fed: map[string]queries.Fed{ledger.Name: stuck}})
	if err := f.svc.Await(ctx, alice, eventlog.Start, queries.ForLedger); !errors.Is(err, queries.ErrBehind) {
		t.Fatalf("a consumer that stays behind: %v; want ErrBehind after the read wait", err)
	}
}
