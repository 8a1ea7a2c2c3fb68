package app_test

import (
	"log/slog"
	"strings"
	"testing"

	"github.com/chance-video/chance/infra/app"
	"github.com/chance-video/chance/infra/clock"
	"github.com/chance-video/chance/infra/config"
)

// Two processes with read models of their own on one PostgreSQL log would both
// forward, schedule and send every email: the second is refused at start, and so is a
// process sharing the read models while one with its own runs; processes sharing the
// read models share the log.
func TestOneLogHasOneProcessWithReadModelsOfItsOwn(t *testing.T) {
	shared := config.Defaults()
	shared.Demo = false
	postgresEverything(t, &shared)
	own := shared
	own.ReadStore = config.SQLite
	open := func(cfg config.Config) (*app.App, error) {
		cfg.DataDir = t.TempDir()
		a, err := app.Open(cfg, clock.NewManual(start), slog.New(slog.DiscardHandler))
		if err == nil {
			t.Cleanup(func() { _ = a.Close() })
		}
		return a, err
	}
	first, err := open(own)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := open(own); err == nil || !strings.Contains(err.Error(), "set CHANCE_READSTORE=postgres") {
		t.Fatalf("a second process with read models of its own: %v", err)
	}
	if _, err := open(shared); err == nil || !strings.Contains(err.Error(), "read models of its own") {
		t.Fatalf("a process sharing the read models beside it: %v", err)
	}
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := open(shared); err != nil {
		t.Fatalf("the first process sharing the read models: %v", err)
	}
	if _, err := open(shared); err != nil {
		t.Fatalf("a second one: %v", err)
	}
	if _, err := open(own); err == nil {
		t.Fatal("a process with read models of its own beside them was accepted")
	}
}
