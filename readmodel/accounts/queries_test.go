package accounts_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain"
	"github.com/chance-video/chance/queries/querytest"
	"github.com/chance-video/chance/readmodel"
	"github.com/chance-video/chance/readmodel/accounts"
)

func TestBalanceAndPaymentsAreTheOwners(t *testing.T) {
	store := querytest.Open(t)
	q := accounts.Queries{Reads: store}
	ctx := context.Background()
	start := time.Date(2026, 12, 1, 18, 0, 0, 0, time.UTC)
	owner, stranger := uuid.New(), uuid.New()
	payment := accounts.Payment{ID: uuid.New(), UserID: owner, Kind: readmodel.KindTopUp, Amount: 5000,
		Status: readmodel.PaymentSucceeded, CreatedAt: start}
	querytest.Write(store, accounts.Name, func(tx accounts.Writes) error {
		if err := tx.PutBalance(ctx, owner, 5000); err != nil {
			return err
		}
		return tx.PutPayment(ctx, payment)
	})

	b, err := q.Balance(ctx, owner)
	if err != nil || b.Balance != 5000 || b.Currency != "RUB" {
		t.Fatalf("balance = %+v, %v", b, err)
	}
	if b, _ := q.Balance(ctx, stranger); b.Balance != 0 {
		t.Fatalf("an account never topped up has %d", b.Balance)
	}
	status, err := q.Payment(ctx, owner, payment.ID)
	if err != nil || status.Status != "succeeded" || status.Amount != 5000 || status.Kind != "top_up" ||
		status.RentalID != nil || !status.CreatedAt.Equal(start) {
		t.Fatalf("status = %+v, %v", status, err)
	}
	_, err = q.Payment(ctx, stranger, payment.ID)
	querytest.WantKind(t, err, domain.ErrNotFound)
	_, err = q.Payment(ctx, owner, uuid.New())
	querytest.WantKind(t, err, domain.ErrNotFound)
}
