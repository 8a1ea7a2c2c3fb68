package app

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/commands"
	"github.com/chance-video/chance/infra/clock"
	"github.com/chance-video/chance/infra/config"
	"github.com/chance-video/chance/projections"
	"github.com/chance-video/chance/readmodel/ledger"
)

// A top-up the billing feed applies to the serving tables after the rebuild's last
// read of the log and before the swap is in the swapped-in tables all the same: the
// rebuild catches them up with the log once more. Here every step of the rebuild
// (the last one right before the swap) tops up, and waits for the feed to apply it.
func TestARebuildOfTheFedBillingHistoryKeepsWhatTheFeedWroteMeanwhile(t *testing.T) {
	cfg := config.Defaults()
	cfg.DataDir, cfg.Demo, cfg.BillingFromBus = t.TempDir(), false, true
	cfg.SchedulerInterval, cfg.RecoveryInterval = time.Hour, time.Hour
	// The customer was never registered: their emails fail, and are dead-lettered at once.
	cfg.DeliveryAttempts, cfg.DeliveryRetryFirst, cfg.DeliveryRetryMax = 1, time.Millisecond, time.Millisecond
	a, err := Open(cfg, clock.NewManual(time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)), slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	defer func() {
		cancel()
		if err := <-done; err != nil && !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("run: %v", err)
		}
		if err := a.Close(); err != nil {
			t.Error(err)
		}
	}()
	<-a.Ready()
	customer := uuid.New()
	topUps := 0
	topUp := func() {
		t.Helper()
		p, err := a.Commands.Fill(ctx, customer, 100, commands.Request{Key: uuid.NewString()})
		if err != nil {
			t.Fatal(err)
		}
		if err := a.Delivered(ctx, p.Position); err != nil { // the feed has applied it
			t.Fatal(err)
		}
		topUps++
	}
	for range 5 {
		topUp()
	}
	if err := a.rebuilder().rebuildFed(ctx, ledger.Projector, func(projections.RebuildReport) { topUp() }); err != nil {
		t.Fatal(err)
	}
	lines, err := a.Reads.Ledger(ctx, ledger.Query{UserID: customer})
	if err != nil {
		t.Fatal(err)
	}
	if len(lines) != topUps {
		t.Fatalf("%d lines after the rebuild for %d top-ups", len(lines), topUps)
	}
}
