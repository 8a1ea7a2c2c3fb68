// Package readstoretest is the contract every read store adapter must pass. It talks to
// the store only through the ports (projections.Rebuildable, queries.ReadStore,
// queries.Inbox, bus.DeadLetterStore, senders.SentRecords), so the SQLite store and a PostgreSQL one run the same tests:
//
//	func TestContract(t *testing.T) {
//		readstoretest.Run(t, func(t *testing.T) readstoretest.Store { … })
//	}
//
// Decisions the suite pins down:
//   - times read back equal to what was written, to the microsecond, in UTC; a zero time
//     reads back zero; an empty list reads back empty (nil or not);
//   - writes are upserts: putting a row again replaces it, adding a ledger line or a
//     notification again (same id) is ignored;
//   - a transaction serves only the projection it was opened for: it is that read
//     model's write port and no other's (a projector cannot even name another's
//     methods), and using it as another's fails with ErrWrongProjection;
//   - search finds word forms, parts of words (3 letters or more) and short words, ignores
//     case and ё/е, requires every word, and finds only premieres on sale;
//   - a Limit of zero or less (Ledger, DueRentals, Notifications) means no limit;
//   - a dead letter is recorded once per failure (FailureID): a redelivery is ignored,
//     a new failure adds its attempts and makes it dead again;
//   - a message is marked sent per channel, once (marking again keeps the first time);
//   - a follower's checkpoint (forwarder, recovery) never moves back;
//   - a store several processes share (projections.Shared) lets one runner apply each
//     batch, and its checkpoints never move back.
//
// The tests never sleep.
package readstoretest

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/eventlog"
	"github.com/chance-video/chance/infra/bus"
	"github.com/chance-video/chance/infra/checkpoints"
	"github.com/chance-video/chance/infra/senders"
	"github.com/chance-video/chance/projections"
	"github.com/chance-video/chance/queries"
)

// Store is what a read store adapter implements.
//
// Close is part of it so that the suite can test a restart: every adapter has one.
type Store interface {
	projections.Rebuildable
	queries.ReadStore
	queries.Inbox
	bus.DeadLetterStore
	senders.SentRecords
	checkpoints.Store
	Close() error
}

// Run runs the contract. open must return a store over the test's own storage and
// register its cleanup (a Close, which must tolerate having been called already). The
// first call in a test gets empty storage; a later call in the same test, after the
// suite closed the previous store, must open that same storage again (a restart).
func Run(t *testing.T, open func(t *testing.T) Store) {
	t.Helper()
	tests := []struct {
		name string
		run  func(t *testing.T, open func(t *testing.T) Store)
	}{
		{"PremiereRoundTrip", testPremiereRoundTrip},
		{"PremiereUpsert", testPremiereUpsert},
		{"Premieres", testPremieres},
		{"SearchWordForms", testSearchWordForms},
		{"SearchYoAndYe", testSearchYoAndYe},
		{"SearchFields", testSearchFields},
		{"SearchAllWords", testSearchAllWords},
		{"SearchShortWords", testSearchShortWords},
		{"SearchActorFilter", testSearchActorFilter},
		{"SearchPriceAndDiscount", testSearchPriceAndDiscount},
		{"SearchSortOrders", testSearchSortOrders},
		{"SearchPaging", testSearchPaging},
		{"SearchOnSaleOnly", testSearchOnSaleOnly},
		{"SearchTypos", testSearchTypos},
		{"SearchCountBound", testSearchCountBound},
		{"BalanceAndPayments", testBalanceAndPayments},
		{"PendingTopUps", testPendingTopUps},
		{"Ledger", testLedger},
		{"LedgerStreams", testLedgerStreams},
		{"DeclinedDebit", testDeclinedDebit},
		{"Carts", testCarts},
		{"Rentals", testRentals},
		{"DueRentals", testDueRentals},
		{"UsersAndTokens", testUsersAndTokens},
		{"Inbox", testInbox},
		{"DeadLetters", testDeadLetters},
		{"DeadLetterLifecycle", testDeadLetterLifecycle},
		{"SentRecords", testSentRecords},
		{"FollowerCheckpoints", testFollowerCheckpoints},
		{"Checkpoint", testCheckpoint},
		{"UpdateAtomic", testUpdateAtomic},
		{"TxRefusesOtherProjections", testTxRefusesOtherProjections},
		{"SharedUpdateBatch", testSharedUpdateBatch},
		{"ShadowPromote", testShadowPromote},
		{"ShadowDiscard", testShadowDiscard},
		{"Reopen", testReopen},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.run(t, open) })
	}
}

// at has microseconds and a zone other than UTC, to catch truncation and zone loss.
var at = time.Date(2026, 3, 14, 15, 9, 26, 535897000, time.FixedZone("MSK", 3*60*60))

// write applies fn to projection in one Update through the read model's port W,
// failing the test on error.
func write[W any](t *testing.T, s projections.Store, projection string, reached uint64, fn func(ctx context.Context, w W) error) {
	t.Helper()
	ctx := t.Context()
	pos := eventlog.Position{Commit: reached, Prepare: reached}
	if err := projections.Update(ctx, s, projection, pos, func(w W) error { return fn(ctx, w) }); err != nil {
		t.Fatalf("update %s to %d: %v", projection, reached, err)
	}
}

func checkpoint(t *testing.T, s projections.Store, projection string) eventlog.Position {
	t.Helper()
	pos, err := s.Checkpoint(t.Context(), projection)
	if err != nil {
		t.Fatalf("checkpoint of %s: %v", projection, err)
	}
	return pos
}

// utc is what a stored time reads back as.
func utc(tm time.Time) time.Time {
	if tm.IsZero() {
		return time.Time{}
	}
	return tm.UTC()
}

// checkUTC fails if a time read back is neither zero nor in UTC.
func checkUTC(t *testing.T, what string, times ...time.Time) {
	t.Helper()
	for _, tm := range times {
		if !tm.IsZero() && tm.Location() != time.UTC {
			t.Errorf("%s: time %s is not in UTC", what, tm)
		}
	}
}

// same compares after canon has made equal values identical (times in UTC, empty
// lists nil).
func same[T any](t *testing.T, what string, got, want T, canon func(T) T) {
	t.Helper()
	if g, w := canon(got), canon(want); !reflect.DeepEqual(g, w) {
		t.Errorf("%s:\n got %+v\nwant %+v", what, g, w)
	}
}

func nilIfEmpty[T any](s []T) []T {
	if len(s) == 0 {
		return nil
	}
	return s
}

func newIDs(n int) []uuid.UUID {
	ids := make([]uuid.UUID, n)
	for i := range ids {
		ids[i] = uuid.New()
	}
	return ids
}
