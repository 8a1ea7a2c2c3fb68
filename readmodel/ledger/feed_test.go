package ledger_test

import (
	"context"
	"errors"
	"log/slog"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain"
	"github.com/chance-video/chance/domain/account"
	"github.com/chance-video/chance/domain/codec"
	"github.com/chance-video/chance/eventlog"
	"github.com/chance-video/chance/integration"
	"github.com/chance-video/chance/projections"
	"github.com/chance-video/chance/queries/querytest"
	"github.com/chance-video/chance/readmodel/ledger"
)

// accountEvent is the message the forwarder publishes for an account event.
func accountEvent(t *testing.T, user uuid.UUID, revision, position uint64, e domain.Event) eventlog.Record {
	t.Helper()
	_, data, err := codec.Shop().Encode(e)
	if err != nil {
		t.Fatal(err)
	}
	return eventlog.Record{
		EventData: eventlog.EventData{ID: uuid.New(), Type: e.EventType(), Data: data,
			Metadata: eventlog.Metadata{OccurredAt: time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)}},
		StreamID: account.Stream(user), Revision: revision, Position: eventlog.Position{Commit: position, Prepare: position},
	}
}

// An account event delivered twice (Kafka redelivers after a crash between the effect
// and the ack) is one line; how far its stream is applied is kept with the lines, and
// an event that makes no line moves it too.
func TestFeedRecordsEachEventOnce(t *testing.T) {
	store := querytest.Open(t)
	feed := ledger.NewFeed(store, slog.New(slog.DiscardHandler))
	ctx := context.Background()
	user := uuid.New()
	at := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	topUp := accountEvent(t, user, 0, 7, account.FundsAdded{UserID: user, Payment: uuid.New(), Amount: 50_000, BalanceAfter: 50_000, At: at})
	redeemed := accountEvent(t, user, 1, 9, account.PaymentRedeemed{UserID: user, Payment: uuid.New(), Withdrawal: uuid.New(), Amount: 10_000, At: at})
	for _, rec := range []eventlog.Record{topUp, topUp, redeemed, topUp} {
		if err := feed.Handle(ctx, integration.Encode(rec)); err != nil {
			t.Fatal(err)
		}
	}
	lines, err := store.Ledger(ctx, ledger.Query{UserID: user})
	if err != nil {
		t.Fatal(err)
	}
	if len(lines) != 1 || lines[0].EventID != topUp.ID || lines[0].Position != 7 || lines[0].Amount != 50_000 {
		t.Fatalf("history after a redelivered top-up: %+v; want its one line", lines)
	}
	if rev, found, err := store.AppliedRevision(ctx, account.Stream(user)); err != nil || !found || rev != 1 {
		t.Fatalf("stream applied to %d (found %v, %v); want 1, the redemption, whatever came again after it", rev, found, err)
	}
	if at, err := store.Checkpoint(ctx, ledger.Name); err != nil || !at.IsStart() {
		t.Fatalf("checkpoint %s, %v: the feed must leave it to the catch-up from the log", at, err)
	}
	if err := feed.Handle(ctx, integration.Encode(eventlog.Record{EventData: eventlog.EventData{ID: uuid.New(), Type: "account.unknown.v9", Data: []byte(`{}`)},
		StreamID: account.Stream(user), Revision: 2})); err == nil {
		t.Fatal("an event this version cannot read was skipped, not refused (it would never reach a dead letter)")
	}
}

// unavailable is a read store whose writes fail a number of times, as during a
// database failover.
type unavailable struct {
	projections.Store
	failures int
}

func (u *unavailable) Update(ctx context.Context, name string, at eventlog.Position, fn func(projections.Writes) error) error {
	if u.failures > 0 {
		u.failures--
		return errors.New("connection refused")
	}
	return u.Store.Update(ctx, name, at, fn)
}

// A store that refuses writes for a while holds the line back, never dead-letters it:
// the next event of the stream would otherwise move its revision past the hole.
func TestFeedWaitsForTheStoreInsteadOfGivingTheLineUp(t *testing.T) {
	store := querytest.Open(t)
	down := &unavailable{Store: store, failures: 6}
	feed := ledger.NewFeed(down, slog.New(slog.DiscardHandler))
	feed.FirstPause, feed.MaxPause = time.Millisecond, 2*time.Millisecond
	user := uuid.New()
	topUp := accountEvent(t, user, 0, 3, account.FundsAdded{UserID: user, Payment: uuid.New(), Amount: 700, BalanceAfter: 700,
		At: time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)})
	if err := feed.Handle(context.Background(), integration.Encode(topUp)); err != nil {
		t.Fatalf("the feed gave the line up: %v", err)
	}
	if lines, err := store.Ledger(context.Background(), ledger.Query{UserID: user}); err != nil || len(lines) != 1 || down.failures != 0 {
		t.Fatalf("after the store came back: %+v, %v (failures left %d)", lines, err, down.failures)
	}
	// Stopping ends the wait with the error: the message stays unacked, not dead.
	down.failures = 1_000
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := feed.Handle(ctx, integration.Encode(accountEvent(t, user, 1, 4, account.FundsAdded{UserID: user, Payment: uuid.New(), Amount: 1, BalanceAfter: 701}))); err == nil {
		t.Fatal("a stopped feed reported a line it never stored")
	}
}
