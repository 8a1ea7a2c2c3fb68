package yookassa_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/commands"
	"github.com/chance-video/chance/domain/account"
	"github.com/chance-video/chance/infra/clock"
	"github.com/chance-video/chance/infra/eventstore/eventsqlite"
	"github.com/chance-video/chance/infra/payments/yookassa"
	"github.com/chance-video/chance/infra/payments/yookassa/yookassatest"
)

func client(fake *yookassatest.Server) *yookassa.Client {
	return &yookassa.Client{API: fake.URL, ShopID: fake.ShopID, SecretKey: fake.SecretKey, Description: "Пополнение баланса",
		ReturnURL: func(p uuid.UUID) string { return "https://shop.example/#/wallet?payment=" + p.String() }}
}

func TestCreateSendsOnePaymentPerTopUp(t *testing.T) {
	fake := yookassatest.New("123456", "test_secret")
	defer fake.Close()
	c, ctx := client(fake), context.Background()
	order := commands.TopUpOrder{Payment: uuid.New(), UserID: uuid.New(), Amount: 12345}
	first, err := c.Create(ctx, order)
	if err != nil {
		t.Fatal(err)
	}
	again, err := c.Create(ctx, order)
	if err != nil || again != first {
		t.Fatalf("the same top-up again: %+v, %v; want %+v (Idempotence-Key)", again, err, first)
	}
	if fake.Creates() != 2 || len(fake.Payments()) != 1 {
		t.Fatalf("%d creates made %d payments; want 2 and 1", fake.Creates(), len(fake.Payments()))
	}
	p, ok := fake.ByConfirmation(first.ConfirmationURL)
	if !ok || p.ID != first.ID || p.Amount != (yookassatest.Amount{Value: "123.45", Currency: "RUB"}) ||
		p.Metadata["payment_id"] != order.Payment.String() || p.Metadata["user_id"] != order.UserID.String() ||
		p.ReturnURL != "https://shop.example/#/wallet?payment="+order.Payment.String() || p.Description != "Пополнение баланса" {
		t.Fatalf("created %+v", p)
	}
	// Another amount under the same key is refused by the provider.
	order.Amount++
	if _, err := c.Create(ctx, order); err == nil {
		t.Fatal("a second body under one Idempotence-Key was accepted")
	}
	wrong := client(fake)
	wrong.SecretKey = "guess"
	if _, err := wrong.Create(ctx, commands.TopUpOrder{Payment: uuid.New(), UserID: uuid.New(), Amount: 100}); err == nil {
		t.Fatal("wrong credentials were accepted")
	}
}

func TestPaymentIsReadFromTheProvider(t *testing.T) {
	fake := yookassatest.New("123456", "test_secret")
	defer fake.Close()
	c, ctx := client(fake), context.Background()
	order := commands.TopUpOrder{Payment: uuid.New(), UserID: uuid.New(), Amount: 5000}
	created, err := c.Create(ctx, order)
	if err != nil {
		t.Fatal(err)
	}
	fake.Settle(created.ID, "succeeded")
	got, err := c.Payment(ctx, created.ID)
	want := commands.VerifiedPayment{ID: created.ID, Status: "succeeded", Amount: 5000, Currency: "RUB", Payment: order.Payment, UserID: order.UserID}
	if err != nil || got != want {
		t.Fatalf("payment = %+v, %v; want %+v", got, err, want)
	}
	for _, id := range []string{uuid.NewString(), "../v3/payments", "", "x y", string(make([]byte, 65))} {
		if _, err := c.Payment(ctx, id); !errors.Is(err, commands.ErrUnknownAtProvider) {
			t.Errorf("payment %q: %v; want unknown at the provider", id, err)
		}
	}
	fake.SetDown(true)
	if _, err := c.Payment(ctx, created.ID); err == nil || errors.Is(err, commands.ErrUnknownAtProvider) {
		t.Fatalf("provider down: %v; want an error to retry on", err)
	}
}

// The whole path on a real event store: a top-up opened at the fake, paid there, and
// credited once when the (repeated) notification is verified.
func TestATopUpPaidAtYooKassaIsCreditedOnce(t *testing.T) {
	fake := yookassatest.New("123456", "test_secret")
	defer fake.Close()
	store, err := eventsqlite.Open(filepath.Join(t.TempDir(), "events.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	c := client(fake)
	svc := commands.New(store, clock.NewManual(time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)),
		commands.WithPayments(commands.Payments{Provider: c, Verifier: c, PendingTTL: 30 * time.Minute}))
	ctx, user := context.Background(), uuid.New()
	top, err := svc.Fill(ctx, user, 30_000, commands.Request{Key: "k", Fingerprint: "k"})
	if err != nil || top.TopUp != account.TopUpPending {
		t.Fatalf("fill = %+v, %v", top, err)
	}
	p, ok := fake.ByConfirmation(top.ConfirmationURL)
	if !ok {
		t.Fatalf("the confirmation URL %s opens no payment at the provider", top.ConfirmationURL)
	}
	fake.Settle(p.ID, "succeeded")
	for range 2 {
		n, err := svc.TopUpNotified(ctx, p.ID)
		if err != nil || n.Outcome != commands.OutcomeSettled || n.Settled.Balance != 30_000 {
			t.Fatalf("notice = %+v, %v", n, err)
		}
	}
	s, err := svc.Lookup().LoadAccount(ctx, user)
	if err != nil || s.Balance != 30_000 {
		t.Fatalf("balance %d, %v", s.Balance, err)
	}
}
