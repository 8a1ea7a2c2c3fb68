package readsqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// layoutVersion is PRAGMA user_version of every file this package creates, a mark that
// the file is this adapter's: a file of another layout is refused.
//
// WARNING: it is not how a read model changes. A read model's tables, even just an index
// of them, change with a new version of its Name (readmodel/<name>), which builds fresh
// files from the log beside the old ones: the one versioning scheme of read models. Bump
// this only if the file format every read model shares changes (the checkpoint table),
// and then every existing data folder must be deleted to rebuild.
const layoutVersion = 1

// createCheckpoint is in every projection file, so the checkpoint commits with the rows.
const createCheckpoint = `CREATE TABLE checkpoint (
	only        INTEGER PRIMARY KEY CHECK (only = 1),
	commit_pos  INTEGER NOT NULL,
	prepare_pos INTEGER NOT NULL
)`

// inboxSchema is the inbox file's: not a projection, so no checkpoint and no generations.
var inboxSchema = []string{
	`CREATE TABLE notifications (
		id         TEXT PRIMARY KEY,
		user_id    TEXT NOT NULL,
		kind       TEXT NOT NULL,
		channel    TEXT NOT NULL,
		subject    TEXT NOT NULL,
		body       TEXT NOT NULL,
		created_at INTEGER
	) WITHOUT ROWID`,
	`CREATE INDEX notifications_by_user ON notifications (user_id, created_at DESC, id DESC)`,
}

// migrate creates the tables in a new file and refuses a file of another layout.
func migrate(ctx context.Context, db *sql.DB, tables []string, withCheckpoint bool) error {
	var version int
	if err := db.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&version); err != nil {
		return fmt.Errorf("read layout version: %w", err)
	}
	switch version {
	case layoutVersion:
		return nil
	case 0:
	default:
		return fmt.Errorf("file has layout version %d, this build knows %d: delete the read-model files to rebuild them", version, layoutVersion)
	}
	stmts := append([]string(nil), tables...)
	if withCheckpoint {
		stmts = append(stmts, createCheckpoint)
	}
	stmts = append(stmts, fmt.Sprintf(`PRAGMA user_version = %d`, layoutVersion))
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("create schema: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit
	for _, stmt := range stmts {
		if _, err := tx.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("create schema: %s: %w", firstLine(stmt), err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("create schema: %w", err)
	}
	return nil
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
