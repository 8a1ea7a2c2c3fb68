package readsqlite

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain/money"
	"github.com/chance-video/chance/eventlog"
	"github.com/chance-video/chance/projections"
	"github.com/chance-video/chance/readmodel"
	"github.com/chance-video/chance/readmodel/accounts"
	"github.com/chance-video/chance/readmodel/ledger"
)

// Rows a transaction holds until it commits are written as if one by one: more than a
// batch of them (full batches and the rest), the same key twice (the second wins), a
// read in the transaction sees what it wrote, and a lower revision changes nothing.
func TestBatchedWritesActAsOneByOne(t *testing.T) {
	ctx := context.Background()
	s := openIn(t, t.TempDir())
	user, other := uuid.New(), uuid.New()
	at := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	payments := make([]uuid.UUID, 2*rowsPerInsert+5)
	for i := range payments {
		payments[i] = uuid.New()
	}
	err := projections.Update(ctx, s, accounts.Name, eventlog.Position{Commit: 1, Prepare: 1}, func(w accounts.Writes) error {
		for i, id := range payments {
			if err := w.PutBalance(ctx, user, money.Kopecks(100*(i+1))); err != nil {
				return err
			}
			p := accounts.Payment{ID: id, UserID: user, Kind: readmodel.KindTopUp, Amount: 100, Status: readmodel.PaymentSucceeded, CreatedAt: at}
			if err := w.PutPayment(ctx, p); err != nil {
				return err
			}
		}
		if err := w.PutBalance(ctx, other, 7); err != nil {
			return err
		}
		got, found, err := w.Payment(ctx, payments[3])
		if err != nil || !found || got.Amount != 100 {
			t.Errorf("read in the transaction: %+v %v %v, want the payment it put", got, found, err)
		}
		rejected := accounts.Payment{ID: payments[3], UserID: user, Kind: readmodel.KindTopUp, Amount: 100, Status: readmodel.PaymentRejected, Reason: "second", CreatedAt: at}
		if err := w.PutPayment(ctx, rejected); err != nil {
			return err
		}
		return w.PutBalance(ctx, user, 1)
	})
	if err != nil {
		t.Fatal(err)
	}
	if b, err := s.Balance(ctx, user); err != nil || b != 1 {
		t.Errorf("balance %d (%v), want the last one put, 1", b, err)
	}
	if b, err := s.Balance(ctx, other); err != nil || b != 7 {
		t.Errorf("other balance %d (%v), want 7", b, err)
	}
	for i, id := range payments {
		p, found, err := s.Payment(ctx, id)
		if err != nil || !found {
			t.Fatalf("payment %d of %d: found %v, %v", i, len(payments), found, err)
		}
		if want := readmodel.PaymentSucceeded; i == 3 {
			if p.Status != readmodel.PaymentRejected || p.Reason != "second" {
				t.Errorf("payment put twice: %+v, want the second", p)
			}
		} else if p.Status != want {
			t.Errorf("payment %d: %+v", i, p)
		}
	}

	stream := "account-" + user.String()
	err = projections.Update(ctx, s, ledger.Name, eventlog.Position{Commit: 9, Prepare: 9}, func(w ledger.Writes) error {
		for i := range 70 {
			e := ledger.Entry{Position: uint64(i + 1), EventID: uuid.New(), UserID: user, Kind: readmodel.KindTopUp, Amount: 100, OccurredAt: at}
			if err := w.AddEntry(ctx, e); err != nil {
				return err
			}
		}
		for _, rev := range []uint64{3, 9, 4} {
			if err := w.Applied(ctx, stream, rev); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if rev, ok, err := s.AppliedRevision(ctx, stream); err != nil || !ok || rev != 9 {
		t.Errorf("applied revision %d %v %v, want the highest, 9", rev, ok, err)
	}
	if lines, err := s.Ledger(ctx, ledger.Query{UserID: user}); err != nil || len(lines) != 70 {
		t.Errorf("%d ledger lines (%v), want 70", len(lines), err)
	}
}
