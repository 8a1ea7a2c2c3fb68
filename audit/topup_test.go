package audit_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/commands"
	"github.com/chance-video/chance/infra/clock"
	"github.com/chance-video/chance/readmodel/accounts"
)

// ownPage is a payment provider whose page is the shop's own (the test provider).
type ownPage struct{}

func (ownPage) Name() string { return "test" }
func (ownPage) Create(_ context.Context, o commands.TopUpOrder) (commands.ProviderPayment, error) {
	return commands.ProviderPayment{ID: o.Payment.String(), ConfirmationURL: "/pay/test/" + o.Payment.String()}, nil
}

// Top-ups through a provider — pending, paid, declined, expired, paid after expiry —
// keep the books clean: only the paid ones are lines and move balances, and every
// status is checked.
func TestProviderTopUpsVerify(t *testing.T) {
	b := newBooks(t)
	clk := clock.NewManual(time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC))
	svc := commands.New(b.events, clk, commands.WithPayments(commands.Payments{Provider: ownPage{}, PendingTTL: 30 * time.Minute}))
	ctx := context.Background()
	user := b.users[1]
	open := func(k string) uuid.UUID {
		p, err := svc.Fill(ctx, user, 5_000, key(k))
		if err != nil {
			t.Fatal(err)
		}
		return p.PaymentID
	}
	settle := func(p uuid.UUID, paid bool) {
		if _, err := svc.SettleTopUp(ctx, commands.Settlement{UserID: user, Payment: p, Provider: "test", Paid: paid, Amount: 5_000}); err != nil {
			t.Fatal(err)
		}
	}
	pending, paid, declined, expired, late := open("pending"), open("paid"), open("declined"), open("expired"), open("late")
	settle(paid, true)
	settle(declined, false)
	clk.Advance(31 * time.Minute)
	pending2 := open("pending later")
	for _, p := range []uuid.UUID{expired, late} {
		if _, err := svc.ExpireTopUp(ctx, user, p); err != nil {
			t.Fatal(err)
		}
	}
	settle(late, true)
	b.project()
	r := b.verify()
	if !r.Clean() || r.Payments != 7+6 || r.LedgerLines != 6+2 {
		t.Fatalf("clean: %v, %d payments, %d lines: %+v", r.Clean(), r.Payments, r.LedgerLines, r.Differences)
	}
	for p, want := range map[uuid.UUID]string{pending: "pending", pending2: "pending", paid: "succeeded", declined: "canceled", expired: "expired", late: "succeeded"} {
		got, _, err := b.reads.Payment(ctx, p)
		if err != nil || got.Status != want {
			t.Errorf("payment %s: %s, %v; want %s", p, got.Status, err, want)
		}
	}
	b.tamper(accounts.Name, `UPDATE payments SET status = 'succeeded' WHERE status = 'pending' AND amount = 5000 AND created_at = (SELECT min(created_at) FROM payments WHERE status = 'pending')`)
	if r := b.verify(); r.Clean() {
		t.Fatal("a pending top-up shown as succeeded went unnoticed")
	}
}
