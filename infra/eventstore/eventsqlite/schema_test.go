package eventsqlite

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/chance-video/chance/eventlog"
)

// TestMigrateFromV1: a version 1 file (event ids unique in the whole file) opens as
// version 2 with its events, and then takes an id of one stream in another.
func TestMigrateFromV1(t *testing.T) {
	path := filepath.Join(t.TempDir(), "events.db")
	events := testEvents(2)
	writeV1(t, path, "old-1", events)

	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	var version int
	if err := s.w.conn.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&version); err != nil || version != schemaVersion {
		t.Fatalf("schema version %d (%v), want %d", version, err, schemaVersion)
	}
	got, err := s.ReadStream(ctx, "old-1", 0)
	if err != nil || len(got) != 2 || got[1].ID != events[1].ID || got[1].Position.Commit != 2 {
		t.Fatalf("migrated stream: %+v, %v", got, err)
	}
	if res := mustAppend(t, s, "old-1", eventlog.NoStream, events); res.LastRevision != 1 || res.Position.Commit != 2 {
		t.Errorf("retry of a migrated append: %+v, want revision 1 at 2", res)
	}
	if res := mustAppend(t, s, "new-1", eventlog.NoStream, events); res.Position.Commit != 4 {
		t.Errorf("the migrated ids in another stream: %+v, want positions 3, 4", res)
	}
}

// writeV1 creates a file as version 1 of this package did, holding events in stream.
func writeV1(t *testing.T, path, stream string, events []eventlog.EventData) {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	stmts := []string{
		`PRAGMA journal_mode = WAL`,
		`CREATE TABLE events (
			position  INTEGER PRIMARY KEY,
			stream_id TEXT    NOT NULL,
			revision  INTEGER NOT NULL,
			event_id  BLOB    NOT NULL UNIQUE,
			type      TEXT    NOT NULL,
			data      BLOB    NOT NULL,
			metadata  BLOB    NOT NULL,
			UNIQUE (stream_id, revision)
		)`,
		`PRAGMA user_version = 1`,
	}
	for _, stmt := range stmts {
		if _, err := db.Exec(stmt); err != nil {
			t.Fatal(err)
		}
	}
	for i, e := range events {
		r, err := encodeEvent(e)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(`INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?)`, i+1, stream, i, r.id, r.typ, r.data, r.metadata); err != nil {
			t.Fatal(err)
		}
	}
}
