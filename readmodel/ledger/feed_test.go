package ledger_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain"
	"github.com/chance-video/chance/domain/account"
	"github.com/chance-video/chance/domain/codec"
	"github.com/chance-video/chance/eventlog"
	"github.com/chance-video/chance/integration"
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
	feed := ledger.NewFeed(store)
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
