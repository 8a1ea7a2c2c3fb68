package queries_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain"
	"github.com/chance-video/chance/domain/money"
	"github.com/chance-video/chance/queries"
	"github.com/chance-video/chance/readmodel"
	"github.com/chance-video/chance/readmodel/accounts"
	"github.com/chance-video/chance/readmodel/ledger"
)

func TestBalanceAndPaymentsAreTheOwners(t *testing.T) {
	f := newFixture(t, queriesDefaults)
	ctx := context.Background()
	owner, stranger := uuid.New(), uuid.New()
	payment := accounts.Payment{ID: uuid.New(), UserID: owner, Kind: readmodel.KindTopUp, Amount: 5000,
		Status: readmodel.PaymentSucceeded, CreatedAt: start}
	write(f, accounts.Name, func(tx accounts.Writes) error {
		if err := tx.PutBalance(ctx, owner, 5000); err != nil {
			return err
		}
		return tx.PutPayment(ctx, payment)
	})

	b, err := f.svc.Balance(ctx, owner)
	if err != nil || b.Balance != 5000 || b.Currency != "RUB" {
		t.Fatalf("balance = %+v, %v", b, err)
	}
	if b, _ := f.svc.Balance(ctx, stranger); b.Balance != 0 {
		t.Fatalf("an account never topped up has %d", b.Balance)
	}
	status, err := f.svc.Payment(ctx, owner, payment.ID)
	if err != nil || status.Status != "succeeded" || status.Amount != 5000 || status.Kind != "top_up" ||
		status.RentalID != nil || !status.CreatedAt.Equal(start) {
		t.Fatalf("status = %+v, %v", status, err)
	}
	_, err = f.svc.Payment(ctx, stranger, payment.ID)
	wantKind(t, err, domain.ErrNotFound)
	_, err = f.svc.Payment(ctx, owner, uuid.New())
	wantKind(t, err, domain.ErrNotFound)
}

func TestHistoryIsTheCallersAndPages(t *testing.T) {
	f := newFixture(t, queriesDefaults)
	ctx := context.Background()
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
		write(f, ledger.Name, func(tx ledger.Writes) error { return tx.AddEntry(ctx, entry) })
	}

	h, err := f.svc.History(ctx, alice, queries.LedgerFilter{UserID: bob, Limit: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Items) != 2 || h.NextAfter == nil || *h.NextAfter != 12 || h.Items[0].UserID != alice || h.Items[1].Position != 12 {
		t.Fatalf("alice's first page = %+v (a user filter for someone else must be ignored)", h)
	}
	h, err = f.svc.History(ctx, alice, queries.LedgerFilter{After: *h.NextAfter, Limit: 2})
	if err != nil || len(h.Items) != 1 || h.NextAfter != nil || h.Items[0].Position != 14 {
		t.Fatalf("alice's last page = %+v, %v", h, err)
	}

	all, err := f.svc.Audit(ctx, queries.LedgerFilter{})
	if err != nil || len(all.Items) != 5 {
		t.Fatalf("audit = %+v, %v; want every account's 5 lines", all, err)
	}
	window, err := f.svc.Audit(ctx, queries.LedgerFilter{From: start.Add(time.Hour), To: start.Add(3 * time.Hour)})
	if err != nil || len(window.Items) != 2 || window.Items[0].Position != 11 {
		t.Fatalf("audit from +1h to +3h = %+v, %v", window, err)
	}
	var streamed int
	err = f.svc.EachAuditLine(ctx, queries.LedgerFilter{UserID: bob}, func(queries.LedgerLine) error { streamed++; return nil })
	if err != nil || streamed != 2 {
		t.Fatalf("streamed %d of bob's lines, %v", streamed, err)
	}

	for name, bad := range map[string]queries.LedgerFilter{
		"limit too big": {Limit: queries.MaxHistoryLimit + 1},
		"from after to": {From: start.Add(time.Hour), To: start},
	} {
		_, err := f.svc.Audit(ctx, bad)
		if err == nil {
			t.Fatalf("%s accepted", name)
		}
		wantKind(t, err, domain.ErrInvalid)
	}
}
