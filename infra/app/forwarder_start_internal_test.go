package app

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/commands"
	"github.com/chance-video/chance/infra/clock"
	"github.com/chance-video/chance/infra/config"
)

// A new shop's forwarder starts from the log's start by design: on a log holding only
// the demo catalogue it says so at Info. A log with more in it and no checkpoint is what
// a fleet upgraded without taking the old checkpoint over looks like: a warning.
func TestForwardingFromTheStartWarnsOnlyOnAShopWithAHistory(t *testing.T) {
	cfg := config.Defaults()
	cfg.DataDir, cfg.Demo = t.TempDir(), true
	var out bytes.Buffer
	a, err := Open(cfg, clock.NewManual(time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)), slog.New(slog.NewTextHandler(&out, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	ctx := context.Background()

	a.warnIfForwardingFromStart(ctx) // an empty log: nothing to say
	if strings.Contains(out.String(), "forwarder") {
		t.Errorf("an empty log logged:\n%s", out.String())
	}
	if err := a.SeedIfEmpty(ctx); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	a.warnIfForwardingFromStart(ctx)
	if got := out.String(); strings.Contains(got, "level=WARN") || !strings.Contains(got, `level=INFO msg="forwarder: a new shop`) {
		t.Errorf("a new shop with the demo catalogue logged:\n%s", got)
	}

	if _, err := a.Commands.Fill(ctx, uuid.New(), 100, commands.Request{Key: uuid.NewString()}); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	a.warnIfForwardingFromStart(ctx)
	if got := out.String(); !strings.Contains(got, `level=WARN msg="forwarder: no checkpoint in the read store`) {
		t.Errorf("a shop with a customer's top-up and no forwarder checkpoint logged:\n%s", got)
	}
}
