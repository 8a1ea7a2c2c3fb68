package app

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/chance-video/chance/infra/clock"
	"github.com/chance-video/chance/infra/config"
	"github.com/chance-video/chance/infra/readstore/readsqlite"
	"github.com/chance-video/chance/readmodel/catalogue"
	"github.com/chance-video/chance/readmodel/ledger"
)

// The budget reaches the stores the App opens, and the start logs its split in one line.
func TestMemoryBudgetSizesTheEmbeddedStores(t *testing.T) {
	cfg := config.Defaults()
	cfg.DataDir, cfg.Demo, cfg.MemoryBudget = t.TempDir(), false, 64*config.MiB
	var logged bytes.Buffer
	a, err := Open(cfg, clock.NewManual(time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)), slog.New(slog.NewTextHandler(&logged, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()

	// The read store got the read models' share (16 MiB of 64, in pages 4/7 of it): the
	// sizes a store opened with that alone has, which its own test reads back from PRAGMA
	// cache_size.
	reference, err := readsqlite.OpenWith(t.TempDir(), readsqlite.Options{CacheKiB: (16 << 10) * 4 / 7})
	if err != nil {
		t.Fatal(err)
	}
	defer reference.Close()
	for _, name := range []string{catalogue.Name, ledger.Name} {
		wantW, wantR := reference.CacheKiB(name)
		gotW, gotR := a.Reads.(*readsqlite.Store).CacheKiB(name)
		if gotW != wantW || gotR != wantR {
			t.Errorf("%s caches writer %d KiB, reader %d KiB; want %d, %d", name, gotW, gotR, wantW, wantR)
		}
	}
	// The event store's share (8 MiB, in pages 4/7 of it) over its 6 connections.
	if o := eventStoreOptions(cfg, nil); o.CacheKiB != (8<<10)*4/7/6 || o.Connections() != 6 {
		t.Errorf("event store: %d KiB × %d connections", o.CacheKiB, o.Connections())
	}

	var lines []string
	for _, l := range strings.Split(logged.String(), "\n") {
		if strings.Contains(l, `msg="memory budget"`) {
			lines = append(lines, l)
		}
	}
	if len(lines) != 1 {
		t.Fatalf("%d memory budget lines in:\n%s", len(lines), logged.String())
	}
	for _, want := range []string{"budget=64MiB", "stream_cache=8MiB", "event_store_cache=\"8MiB (6 connections × cache_size 780KiB)\"",
		"snapshot_cache=1MiB", "read_model_cache=\"16MiB", "password_hashes_at_once=1"} {
		if !strings.Contains(lines[0], want) {
			t.Errorf("the line lacks %s: %s", want, lines[0])
		}
	}
}
