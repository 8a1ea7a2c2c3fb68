package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"strings"
)

// schemaVersion is stored in PRAGMA user_version; a file with another version is refused
// rather than guessed at.
const schemaVersion = 1

// The events table is the whole log.
//
// position is the rowid alias: the writer assigns head+1, head+2, … itself, and since it is
// the only connection that ever commits, positions grow in commit order.
// event_id is UNIQUE: it is what makes appends idempotent (see resolve.go).
// UNIQUE(stream_id, revision) is the index ReadStream and the revision lookup use, and a last
// guard against a wrong revision cache.
var schema = []string{
	`CREATE TABLE IF NOT EXISTS events (
		position  INTEGER PRIMARY KEY,
		stream_id TEXT    NOT NULL,
		revision  INTEGER NOT NULL,
		event_id  BLOB    NOT NULL UNIQUE,
		type      TEXT    NOT NULL,
		data      BLOB    NOT NULL,
		metadata  BLOB    NOT NULL,
		UNIQUE (stream_id, revision)
	)`,
	fmt.Sprintf(`PRAGMA user_version = %d`, schemaVersion),
}

// writeDSN configures the write connections (the writer's and the checkpointer's).
// synchronous=FULL makes every commit fsync the WAL before Append answers: an acknowledged
// append survives a power cut. journal_size_limit stops a WAL that long readers kept from
// resetting from staying huge. WAL mode is set once by migrate: it is a property of the file.
func writeDSN(path string, o Options) string {
	return dsn(path,
		fmt.Sprintf("busy_timeout(%d)", o.BusyTimeout.Milliseconds()),
		"synchronous(FULL)",
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

// migrate creates the schema in a new file and refuses files of another version.
func migrate(ctx context.Context, conn *sql.Conn) error {
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
	default:
		return fmt.Errorf("schema version %d, this build knows %d", version, schemaVersion)
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("create schema: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit
	for _, stmt := range schema {
		if _, err := tx.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("create schema: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("create schema: %w", err)
	}
	return nil
}
