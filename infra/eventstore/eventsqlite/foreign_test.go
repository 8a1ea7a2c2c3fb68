package eventsqlite

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"testing"

	"github.com/chance-video/chance/eventlog"
)

// Two stores on one file stand for a server and an operator command that wrote beside
// it (the data-folder lock normally prevents that). Before the head check, the server's
// next append failed with "UNIQUE constraint failed: events.position" until restart.
func TestAppendsTakeInEventsAnotherWriterAdded(t *testing.T) {
	path := filepath.Join(t.TempDir(), "events.db")
	var jumps [][2]uint64
	server, err := OpenWith(path, Options{OnForeignWrites: func(from, to uint64) { jumps = append(jumps, [2]uint64{from, to}) }})
	if err != nil {
		t.Fatal(err)
	}
	defer server.Close()
	mustAppend(t, server, "s-1", eventlog.NoStream, testEvents(2))

	other, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	mustAppend(t, other, "s-2", eventlog.NoStream, testEvents(3))
	mustAppend(t, other, "s-1", eventlog.Exact(1), testEvents(1)) // a stream the server has cached
	if err := other.Close(); err != nil {
		t.Fatal(err)
	}

	// The server's cache says s-1 is at revision 1; the file says 2.
	_, err = server.Append(context.Background(), "s-1", eventlog.Exact(1), testEvents(1))
	var wrong *eventlog.WrongExpectedRevisionError
	if !errors.As(err, &wrong) {
		t.Fatalf("append at a stale revision: %v, want a wrong-expected-revision error", err)
	}
	res := mustAppend(t, server, "s-1", eventlog.Exact(2), testEvents(1))
	if res.Position.Commit != 7 {
		t.Fatalf("position %d, want 7 (after the other writer's 3..6)", res.Position.Commit)
	}
	if len(jumps) != 1 || jumps[0] != [2]uint64{2, 6} {
		t.Fatalf("foreign writes reported %v, want one jump 2→6", jumps)
	}
	all, err := server.ReadAll(context.Background(), eventlog.Start, 100)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range all {
		if r.Position.Commit != uint64(i+1) {
			t.Fatalf("event %d at position %d: the log has a gap or a duplicate", i, r.Position.Commit)
		}
	}
	if len(all) != 7 {
		t.Fatalf("%d events, want 7", len(all))
	}
	if head, _ := server.Head(context.Background()); head.Commit != 7 {
		t.Fatalf("head %d, want 7", head.Commit)
	}
}

func TestAppendsRefuseALogThatWentBack(t *testing.T) {
	path := filepath.Join(t.TempDir(), "events.db")
	server, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer server.Close()
	mustAppend(t, server, "s-1", eventlog.NoStream, testEvents(3))

	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`DELETE FROM events WHERE position = 3`); err != nil {
		t.Fatal(err)
	}
	db.Close()

	_, err = server.Append(context.Background(), "s-2", eventlog.NoStream, testEvents(1))
	if !errors.Is(err, ErrLogRewound) {
		t.Fatalf("append after the log lost an event: %v, want ErrLogRewound", err)
	}
}
