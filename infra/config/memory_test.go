package config

import (
	"strings"
	"testing"
)

func TestParseBytes(t *testing.T) {
	for in, want := range map[string]Bytes{
		"134217728": 128 * MiB, "256MiB": 256 * MiB, "1GiB": GiB, "1gib": GiB, "512 KiB": 512 * KiB,
		"500MB": 500_000_000, "2GB": 2_000_000_000, "64mb": 64_000_000, "1048576B": MiB, " 96MiB ": 96 * MiB,
	} {
		if got, err := ParseBytes(in); err != nil || got != want {
			t.Errorf("ParseBytes(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "MiB", "-1GiB", "1.5GiB", "12 parsecs", "1G", "99999999999999999999", "9999999999TiB"} {
		if got, err := ParseBytes(in); err == nil {
			t.Errorf("ParseBytes(%q) = %d, want an error", in, got)
		}
	}
}

func TestMemoryBudgetFromEnv(t *testing.T) {
	c, err := FromEnv(env(map[string]string{"CHANCE_MEMORY_BUDGET": "256MiB"}))
	if err != nil || c.MemoryBudget != 256*MiB {
		t.Fatalf("got %s, %v", c.MemoryBudget, err)
	}
	for _, bad := range []string{"lots", "16MiB", "31MiB", "2TiB", "0"} {
		_, err := FromEnv(env(map[string]string{"CHANCE_MEMORY_BUDGET": bad}))
		if err == nil || !strings.Contains(err.Error(), "CHANCE_MEMORY_BUDGET") {
			t.Errorf("CHANCE_MEMORY_BUDGET=%s: %v", bad, err)
		}
	}
}

func TestMemorySplit(t *testing.T) {
	embedded := Defaults()
	m := embedded.Memory()
	want := MemorySplit{Budget: 96 * MiB, EventStoreCache: 12 * MiB, ReadModelCache: 24 * MiB, SnapshotCache: 1536 * KiB,
		StreamCache: 12 * MiB, GoLimit: 59904 * KiB}
	if m != want {
		t.Fatalf("default split %+v, want %+v", m, want)
	}
	if m.EventStoreCache+m.ReadModelCache+m.SnapshotCache+m.GoLimit != m.Budget {
		t.Errorf("shares %+v do not add up to the budget", m)
	}

	// Stores on servers take no page cache here: their shares go to the Go heap.
	servers := Defaults()
	servers.EventStore, servers.ReadStore = Postgres, Postgres
	m = servers.Memory()
	if m.EventStoreCache != 0 || m.ReadModelCache != 0 || m.SnapshotCache != 0 || m.GoLimit != m.Budget || m.StreamCache != 12*MiB {
		t.Errorf("split with PostgreSQL stores %+v", m)
	}
}

func TestBytesString(t *testing.T) {
	for b, want := range map[Bytes]string{128 * MiB: "128MiB", GiB: "1GiB", 2048 * GiB: "2TiB", 1536 * KiB: "1536KiB", 7: "7B", 0: "0B"} {
		if got := b.String(); got != want {
			t.Errorf("%d.String() = %q, want %q", int64(b), got, want)
		}
	}
}
