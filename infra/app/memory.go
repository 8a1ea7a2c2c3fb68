package app

import (
	"fmt"
	"math"
	"os"
	"runtime"
	"runtime/debug"

	"github.com/chance-video/chance/commands"
	"github.com/chance-video/chance/infra/auth"
	"github.com/chance-video/chance/infra/config"
	"github.com/chance-video/chance/infra/eventstore/eventsqlite"
	"github.com/chance-video/chance/infra/readstore/readsqlite"
	"github.com/chance-video/chance/readmodel/catalogue"
	"github.com/chance-video/chance/readmodel/ledger"
)

// The memory budget (CHANCE_MEMORY_BUDGET) sizes every cache of the process, so that
// its RSS stays near the budget however large the files grow: SQLite's page caches
// (outside the Go heap), the commands' stream cache and the Go heap's soft limit. See
// config.Config.Memory for the shares.

// eventStoreOptions sizes the embedded event store's per-connection page cache from its
// share of the budget.
func eventStoreOptions(cfg config.Config, onCommit func(appends, events int)) eventsqlite.Options {
	o := eventsqlite.Options{OnCommit: onCommit}
	o.CacheKiB = max(config.PageCacheKiB(cfg.Memory().EventStoreCache)/o.Connections(), 128)
	return o
}

// readStoreOptions gives the embedded read store its share of the budget; it sizes
// each file's connections itself.
func readStoreOptions(cfg config.Config) readsqlite.Options {
	return readsqlite.Options{CacheKiB: config.PageCacheKiB(cfg.Memory().ReadModelCache)}
}

// snapshotCacheKiB is the embedded snapshot file's share of the budget.
func snapshotCacheKiB(cfg config.Config) int { return config.PageCacheKiB(cfg.Memory().SnapshotCache) }

// streamCacheOption bounds the commands' stream cache by its share of the budget.
func streamCacheOption(cfg config.Config) commands.Option {
	return commands.WithStreamCache(int(cfg.Memory().StreamCache))
}

// hashSlots is how many password hashes may run at once: half the budget's Go share
// over one hash's memory, at least one, at most one per core (hashing is CPU-bound).
func hashSlots(cfg config.Config, h auth.Hasher) int {
	perHash := config.Bytes(h.MemoryKiB()) * config.KiB
	return min(max(int(cfg.Memory().GoLimit/2/perHash), 1), runtime.NumCPU())
}

// SetGoMemoryLimit sets the Go runtime's soft memory limit to the budget's Go share,
// unless GOMEMLIMIT set one already. It is process-wide: the chance binary calls it
// once at start, not App (tests open many Apps in one process).
func SetGoMemoryLimit(cfg config.Config) {
	if _, set := os.LookupEnv("GOMEMLIMIT"); set {
		return
	}
	debug.SetMemoryLimit(int64(cfg.Memory().GoLimit))
}

// logMemory writes the split of the budget in one line at start.
func (a *App) logMemory() {
	m := a.Config.Memory()
	goLimit := "none"
	if limit := debug.SetMemoryLimit(-1); limit != math.MaxInt64 {
		goLimit = config.Bytes(limit).String()
		if _, fromEnv := os.LookupEnv("GOMEMLIMIT"); fromEnv {
			goLimit += " (GOMEMLIMIT)"
		}
	}
	attrs := []any{"budget", m.Budget.String(), "go_limit", goLimit, "stream_cache", m.StreamCache.String(),
		"password_hashes_at_once", hashSlots(a.Config, auth.Hasher{})}
	if m.EventStoreCache > 0 {
		o := eventStoreOptions(a.Config, nil)
		attrs = append(attrs, "event_store_cache", fmt.Sprintf("%s (%d connections × cache_size %dKiB)", m.EventStoreCache, o.Connections(), o.CacheKiB),
			"snapshot_cache", m.SnapshotCache.String())
	}
	if s, ok := a.Reads.(*readsqlite.Store); ok {
		cw, cr := s.CacheKiB(catalogue.Name)
		w, r := s.CacheKiB(ledger.Name)
		attrs = append(attrs, "read_model_cache", fmt.Sprintf("%s (cache_size of the catalogue's writer %dKiB and readers %dKiB each; of another projection's %dKiB and %dKiB)",
			m.ReadModelCache, cw, cr, w, r))
	}
	a.Log.Info("memory budget", attrs...)
}
