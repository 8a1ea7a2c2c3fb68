package eventsqlite

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"strings"
)

// schemaVersion is stored in PRAGMA user_version; a file with another version is refused
// rather than guessed at (version 1 is migrated, see migrateFromV1).
const schemaVersion = 2

// The events table is the whole log.
//
// position is the rowid alias: the writer assigns head+1, head+2, … itself, and since it is
// the only connection that ever commits, positions grow in commit order.
// events_by_stream is the index ReadStream and the idempotency check use, and a last guard
// against a wrong revision cache.
// event_id is stored but deliberately not indexed: ids are unique per stream only, and
// checked through events_by_stream (see idempotency.go). A global index on random ids costs
// one random page write per event — it was the largest cost of an append.
const createEvents = `CREATE TABLE events (
	position  INTEGER PRIMARY KEY,
	stream_id TEXT    NOT NULL,
	revision  INTEGER NOT NULL,
	event_id  BLOB    NOT NULL,
	type      TEXT    NOT NULL,
	data      BLOB    NOT NULL,
	metadata  BLOB    NOT NULL
)`

const createEventsByStream = `CREATE UNIQUE INDEX events_by_stream ON events (stream_id, revision)`

var schema = []string{
	createEvents,
	createEventsByStream,
	fmt.Sprintf(`PRAGMA user_version = %d`, schemaVersion),
}

// migrateFromV1 drops version 1's UNIQUE constraint on event_id. SQLite cannot drop a
// column constraint, so the table is rebuilt, in one transaction with the new index.
var migrateFromV1 = []string{
	`ALTER TABLE events RENAME TO events_v1`,
	createEvents,
	`INSERT INTO events SELECT position, stream_id, revision, event_id, type, data, metadata FROM events_v1 ORDER BY position`,
	`DROP TABLE events_v1`,
	createEventsByStream,
	fmt.Sprintf(`PRAGMA user_version = %d`, schemaVersion),
}

// pageSize is the page size of new files. Every stream an append touches dirties one page
// of events_by_stream, and the WAL gets the whole page, so a group commit of appends to
// n streams writes n pages and fsyncs them: smaller pages mean less to write and to sync.
// Measured at 32 concurrent writers: 2 KiB ≈ 10% more appends/s than 4 KiB, and 1 KiB no
// better than 2 KiB (twice the frames, hence write calls, for the table's rows).
const pageSize = 2048

// writeDSN configures the write connections (the writer's and the checkpointer's).
// synchronous=FULL makes every commit fsync the WAL before Append answers: an acknowledged
// append survives a power cut. temp_store=MEMORY keeps the statement journal of the
// multi-row INSERT in memory: by default it spills to a temporary file past 64 KiB, which
// cost a file create and writes per batch. journal_size_limit stops a WAL that long
// readers kept from resetting from staying huge. WAL mode is set once by migrate: it is a
// property of the file.
func writeDSN(path string, o Options) string {
	return dsn(path,
		fmt.Sprintf("busy_timeout(%d)", o.BusyTimeout.Milliseconds()),
		"synchronous(FULL)",
		"temp_store(MEMORY)",
		fmt.Sprintf("cache_size(-%d)", o.CacheKiB),
		"journal_size_limit(67108864)",
		fmt.Sprintf("wal_autocheckpoint(%d)", walAutocheckpoint),
	)
}

// readDSN configures the read pool: query_only so that a bug can never write through it.
func readDSN(path string, o Options) string {
	return dsn(path,
		fmt.Sprintf("busy_timeout(%d)", o.BusyTimeout.Milliseconds()),
		fmt.Sprintf("cache_size(-%d)", o.CacheKiB),
		"query_only(1)",
	)
}

func dsn(path string, pragmas ...string) string {
	q := url.Values{"_pragma": pragmas}
	return path + "?" + q.Encode()
}

func checkPath(path string) error {
	switch {
	case path == "":
		return fmt.Errorf("empty path")
	case strings.Contains(path, "?"):
		// The driver splits its DSN at the first '?'.
		return fmt.Errorf("path %q contains '?'", path)
	case path == ":memory:" || strings.HasPrefix(path, "file:"):
		// Separate read and write connections must share one file.
		return fmt.Errorf("path %q is not a plain file path", path)
	}
	return nil
}

// migrate creates the schema in a new file, upgrades a version 1 file and refuses files
// of any other version.
func migrate(ctx context.Context, conn *sql.Conn) error {
	// Only a file without pages takes it; an existing file keeps its page size.
	if _, err := conn.ExecContext(ctx, fmt.Sprintf(`PRAGMA page_size = %d`, pageSize)); err != nil {
		return fmt.Errorf("set page size: %w", err)
	}
	var mode string
	if err := conn.QueryRowContext(ctx, `PRAGMA journal_mode = WAL`).Scan(&mode); err != nil {
		return fmt.Errorf("set journal mode: %w", err)
	}
	if !strings.EqualFold(mode, "wal") {
		return fmt.Errorf("journal mode is %q, want wal", mode)
	}
	var version int
	if err := conn.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&version); err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	switch version {
	case schemaVersion:
		return nil
	case 0:
		return execAll(ctx, conn, "create schema", schema)
	case 1:
		return execAll(ctx, conn, "migrate schema from version 1", migrateFromV1)
	default:
		return fmt.Errorf("schema version %d, this build knows %d", version, schemaVersion)
	}
}

// execAll runs the statements in one transaction.
func execAll(ctx context.Context, conn *sql.Conn, what string, stmts []string) error {
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit
	for _, stmt := range stmts {
		if _, err := tx.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}
