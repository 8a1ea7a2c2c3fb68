package ledger_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain"
	"github.com/chance-video/chance/domain/money"
	"github.com/chance-video/chance/queries/querytest"
	"github.com/chance-video/chance/readmodel"
	"github.com/chance-video/chance/readmodel/ledger"
)

func TestHistoryIsTheCallersAndPages(t *testing.T) {
	store := querytest.Open(t)
	q := ledger.Queries{Reads: store}
	ctx := context.Background()
	start := time.Date(2026, 12, 1, 18, 0, 0, 0, time.UTC)
	alice, bob := uuid.New(), uuid.New()
	var balance money.Kopecks
	for i := range 5 {
		who := alice
		if i%2 == 1 {
			who = bob
		}
		balance += 100
		entry := ledger.Entry{Position: uint64(10 + i), EventID: uuid.New(), UserID: who, Kind: readmodel.KindTopUp,
			Amount: 100, BalanceAfter: balance, PaymentID: uuid.New(), OccurredAt: start.Add(time.Duration(i) * time.Hour)}
		querytest.Write(store, ledger.Name, func(tx ledger.Writes) error { return tx.AddEntry(ctx, entry) })
	}

	h, err := q.History(ctx, alice, ledger.Filter{UserID: bob, Limit: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Items) != 2 || h.NextAfter == nil || *h.NextAfter != 12 || h.Items[0].UserID != alice || h.Items[1].Position != 12 {
		t.Fatalf("alice's first page = %+v (a user filter for someone else must be ignored)", h)
	}
	h, err = q.History(ctx, alice, ledger.Filter{After: *h.NextAfter, Limit: 2})
	if err != nil || len(h.Items) != 1 || h.NextAfter != nil || h.Items[0].Position != 14 {
		t.Fatalf("alice's last page = %+v, %v", h, err)
	}

	all, err := q.Audit(ctx, ledger.Filter{})
	if err != nil || len(all.Items) != 5 {
		t.Fatalf("audit = %+v, %v; want every account's 5 lines", all, err)
	}
	window, err := q.Audit(ctx, ledger.Filter{From: start.Add(time.Hour), To: start.Add(3 * time.Hour)})
	if err != nil || len(window.Items) != 2 || window.Items[0].Position != 11 {
		t.Fatalf("audit from +1h to +3h = %+v, %v", window, err)
	}
	var streamed int
	err = q.EachAuditLine(ctx, ledger.Filter{UserID: bob}, func(ledger.Line) error { streamed++; return nil })
	if err != nil || streamed != 2 {
		t.Fatalf("streamed %d of bob's lines, %v", streamed, err)
	}

	for name, bad := range map[string]ledger.Filter{
		"limit too big": {Limit: ledger.MaxHistoryLimit + 1},
		"from after to": {From: start.Add(time.Hour), To: start},
	} {
		_, err := q.Audit(ctx, bad)
		if err == nil {
			t.Fatalf("%s accepted", name)
		}
		querytest.WantKind(t, err, domain.ErrInvalid)
	}
}
