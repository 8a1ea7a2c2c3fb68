package eventsqlite

import (
	"context"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/chance-video/chance/eventlog"
	"github.com/chance-video/chance/infra/eventstore/internal/appendlog"
)

// CommittedNext knows the streams this store appended to, and forgets them all once
// its writer finds events another process added to the file.
func TestCommittedNextKnowsOnlyWhatThisProcessCommitted(t *testing.T) {
	path := filepath.Join(t.TempDir(), "events.db")
	server, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer server.Close()
	mustAppend(t, server, "s-1", eventlog.NoStream, testEvents(2))
	mustAppend(t, server, "s-1", eventlog.Exact(1), testEvents(3))
	if next, known := server.CommittedNext("s-1"); !known || next != 5 {
		t.Fatalf("s-1: %d, %v; want 5, known", next, known)
	}
	if err := server.StreamsIndexed(context.Background()); err != nil {
		t.Fatal(err)
	}
	if next, known := server.CommittedNext("never-appended"); !known || next != 0 {
		t.Fatalf("never-appended: %d, %v; want 0, known (the file has none of it)", next, known)
	}

	other, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	mustAppend(t, other, "s-1", eventlog.Exact(4), testEvents(1))
	if err := other.Close(); err != nil {
		t.Fatal(err)
	}
	mustAppend(t, server, "s-2", eventlog.NoStream, testEvents(1)) // its transaction finds the other's event
	if _, known := server.CommittedNext("s-1"); known {
		t.Fatal("s-1 is still known after another process appended to the file")
	}
	if _, known := server.CommittedNext("never-appended"); known {
		t.Fatal("a new stream is known empty after another process appended to the file")
	}
	if next, known := server.CommittedNext("s-2"); !known || next != 1 {
		t.Fatalf("s-2: %d, %v; want 1, known", next, known)
	}

	h := newStreamHeads() // bounded: a stream past the bound replaces another
	changed := map[string]appendlog.StreamState{}
	for i := range maxStreamHeads + 10 {
		changed["s-"+strconv.Itoa(i)] = appendlog.Existing(0, uint64(i+1), nil)
	}
	h.committed(changed)
	if len(h.next) != maxStreamHeads {
		t.Fatalf("%d streams kept, want the bound %d", len(h.next), maxStreamHeads)
	}
}
