package config

import (
	"fmt"
	"strconv"
	"strings"
)

// Bytes is an amount of memory in bytes.
type Bytes int64

// Units of memory.
const (
	KiB Bytes = 1 << 10
	MiB Bytes = 1 << 20
	GiB Bytes = 1 << 30
)

// Bounds of CHANCE_MEMORY_BUDGET. The default keeps the embedded server's RSS under
// 150 MB at 1,000,000 events; the binary's own code (~37 MB resident) is outside the
// budget (BenchmarkServerMemory: 148 MB at 96MiB, 144–159 MB at 128MiB). Below the
// minimum the shares become too small for SQLite to keep even an index's inner pages;
// the maximum only catches typos (a budget in KiB read as bytes, or a stray digit).
const (
	DefaultMemoryBudget = 96 * MiB
	MinMemoryBudget     = 32 * MiB
	MaxMemoryBudget     = 1024 * GiB
)

// units maps a suffix to its multiplier: binary (KiB, MiB, GiB, TiB) and decimal (KB,
// MB, GB, TB), case-insensitive; no suffix or B means bytes.
var units = map[string]Bytes{
	"": 1, "b": 1,
	"kib": KiB, "mib": MiB, "gib": GiB, "tib": 1024 * GiB,
	"kb": 1000, "mb": 1000 * 1000, "gb": 1000 * 1000 * 1000, "tb": 1000 * 1000 * 1000 * 1000,
}

// ParseBytes reads an amount such as 256MiB, 1GiB, 500MB or 134217728 (bytes): a
// whole number and an optional unit.
func ParseBytes(v string) (Bytes, error) {
	s := strings.TrimSpace(v)
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i == 0 {
		return 0, fmt.Errorf("%q does not start with a whole number", v)
	}
	n, err := strconv.ParseInt(s[:i], 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%q: %w", v, err)
	}
	unit, ok := units[strings.ToLower(strings.TrimSpace(s[i:]))]
	if !ok {
		return 0, fmt.Errorf("%q has an unknown unit (use B, KiB, MiB, GiB, TiB, KB, MB, GB or TB)", v)
	}
	if n > int64(MaxMemoryBudget*4)/int64(unit) { // far beyond any bound: refuse before overflowing
		return 0, fmt.Errorf("%q is too large", v)
	}
	return Bytes(n) * unit, nil
}

// String writes b in the largest binary unit that divides it (128MiB, 1536KiB, 7B).
func (b Bytes) String() string {
	for _, u := range []struct {
		name string
		size Bytes
	}{{"TiB", 1024 * GiB}, {"GiB", GiB}, {"MiB", MiB}, {"KiB", KiB}} {
		if b != 0 && b%u.size == 0 {
			return fmt.Sprintf("%d%s", b/u.size, u.name)
		}
	}
	return fmt.Sprintf("%dB", int64(b))
}

// MemorySplit is how the memory budget is shared out. Only the embedded (SQLite)
// stores take a share of page caches; a share a server-backed store does not need
// goes to the Go heap.
type MemorySplit struct {
	Budget Bytes
	// EventStoreCache is SQLite's page cache of the embedded event store, over all its
	// connections (the writer's, the checkpointer's and the read pool).
	EventStoreCache Bytes
	// ReadModelCache is SQLite's page cache of the embedded read store, over all its
	// connections (every file's writer and read pool).
	ReadModelCache Bytes
	// SnapshotCache is SQLite's page cache of the embedded snapshot file.
	SnapshotCache Bytes
	// StreamCache bounds the commands' cache of folded streams (it lives in the Go heap).
	StreamCache Bytes
	// GoLimit is the rest, the Go runtime's soft memory limit (GOMEMLIMIT): the heap,
	// the stream cache in it, and the goroutine stacks. SQLite's caches are allocated
	// outside the Go heap, so they are not counted in it.
	GoLimit Bytes
}

// Shares of the budget, in 64ths: 8/64 event store, 16/64 read models, 1/64
// snapshots, 8/64 stream cache (inside the Go share). A share is memory, not pages: the
// app turns it into PRAGMA cache_size net of the allocator's overhead. Page caches only
// fill with the pages actually read, so a share is a ceiling; the OS page cache keeps
// the rest of a file close at hand, outside the process (no mmap: mapped pages would
// count in RSS, and the driver's default mmap_size is 0).
const (
	eventStoreShare = 8
	readModelShare  = 16
	snapshotShare   = 1
	streamShare     = 8
)

// Memory shares the budget out for the configured stores.
func (c Config) Memory() MemorySplit {
	b := c.MemoryBudget
	share := func(n int64) Bytes { return b * Bytes(n) / 64 }
	m := MemorySplit{Budget: b, StreamCache: share(streamShare)}
	if c.EventStore == SQLite {
		m.EventStoreCache = share(eventStoreShare)
		m.SnapshotCache = share(snapshotShare)
	}
	if c.ReadStore == SQLite {
		m.ReadModelCache = share(readModelShare)
	}
	m.GoLimit = b - m.EventStoreCache - m.ReadModelCache - m.SnapshotCache
	return m
}

func (c Config) validateMemory() []error {
	if c.MemoryBudget < MinMemoryBudget || c.MemoryBudget > MaxMemoryBudget {
		return []error{fmt.Errorf("CHANCE_MEMORY_BUDGET=%s must be between %s and %s", c.MemoryBudget, MinMemoryBudget, MaxMemoryBudget)}
	}
	return nil
}

// PageCacheKiB is the PRAGMA cache_size (in KiB of pages) whose pages take share of
// memory once full. The driver's allocator (modernc.org/memory) rounds every
// allocation up to a power-of-two slot, so a page and its header take more than the
// page: a full 16 MiB cache took 24.6 MiB with 2 KiB pages and 27.1 MiB with 4 KiB
// pages (RssAnon, measured here). Hence 4/7: a share buys 1/1.75 of its size in pages.
// (Here rather than in the app so that the read store's benchmark sizes its caches as
// the server does.)
func PageCacheKiB(share Bytes) int { return int(share/KiB) * 4 / 7 }
