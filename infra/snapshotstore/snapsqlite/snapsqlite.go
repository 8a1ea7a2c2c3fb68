// Package snapsqlite keeps the command service's snapshots (commands.Snapshots) in a
// SQLite file of their own, next to the event store's: a snapshot write then never
// waits for, nor delays, the event store's writer and its fsync'd commits. Snapshots
// are a cache of the log, so the file is written without fsync at commit
// (synchronous=NORMAL): a crash may lose the last ones, which only means folding more.
package snapsqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"

	_ "modernc.org/sqlite" // the pure-Go driver, registered as "sqlite"

	"github.com/chance-video/chance/commands"
	"github.com/chance-video/chance/infra/sqliteerr"
)

// Store is a snapshot file.
type Store struct{ db *sql.DB }

const schema = `CREATE TABLE IF NOT EXISTS snapshots (
	stream_id TEXT    PRIMARY KEY,
	revision  INTEGER NOT NULL,
	version   INTEGER NOT NULL,
	data      BLOB    NOT NULL
) WITHOUT ROWID`

// DefaultCacheKiB is the page cache of the file's connections together by default.
const DefaultCacheKiB = 2048

// conns: the background writer and a cold load; SQLite serialises writes anyway.
const conns = 2

// Open opens (creating it if need be) the snapshot file at path, with the default cache.
func Open(path string) (*Store, error) { return OpenWithCache(path, DefaultCacheKiB) }

// OpenWithCache opens the snapshot file at path with cacheKiB of SQLite page cache over
// its connections (at least 128 KiB each).
func OpenWithCache(path string, cacheKiB int) (*Store, error) {
	perConn := max(cacheKiB/conns, 128)
	q := url.Values{"_pragma": {"busy_timeout(5000)", "journal_mode(WAL)", "synchronous(NORMAL)", fmt.Sprintf("cache_size(-%d)", perConn)}}
	db, err := sql.Open("sqlite", path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("open snapshots %s: %w", path, err)
	}
	db.SetMaxOpenConns(conns)
	if _, err := db.Exec(schema); err != nil {
		db.Close()
		if sqliteerr.Corrupt(err) {
			return nil, fmt.Errorf("open snapshots %s: %w (snapshots are only a cache of the log: delete this file and start again)", path, err)
		}
		return nil, fmt.Errorf("open snapshots %s: %w", path, err)
	}
	return &Store{db: db}, nil
}

// Load returns a stream's snapshot.
func (s *Store) Load(ctx context.Context, stream string) (commands.Snapshot, bool, error) {
	snap := commands.Snapshot{Stream: stream}
	var rev int64
	err := s.db.QueryRowContext(ctx, `SELECT revision, version, data FROM snapshots WHERE stream_id = ?`, stream).Scan(&rev, &snap.Version, &snap.Data)
	if errors.Is(err, sql.ErrNoRows) {
		return commands.Snapshot{}, false, nil
	}
	if err != nil {
		return commands.Snapshot{}, false, fmt.Errorf("load snapshot of %s: %w", stream, err)
	}
	snap.Revision = uint64(rev)
	return snap, true, nil
}

// Save stores a snapshot unless one of the same version at a later revision is stored.
func (s *Store) Save(ctx context.Context, snap commands.Snapshot) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO snapshots (stream_id, revision, version, data) VALUES (?, ?, ?, ?)
		ON CONFLICT (stream_id) DO UPDATE SET revision = excluded.revision, version = excluded.version, data = excluded.data
		WHERE snapshots.version <> excluded.version OR snapshots.revision < excluded.revision`,
		snap.Stream, int64(snap.Revision), snap.Version, snap.Data)
	if err != nil {
		return fmt.Errorf("save snapshot of %s at %d: %w", snap.Stream, snap.Revision, err)
	}
	return nil
}

// Discard deletes a stream's snapshot if it is at revision.
func (s *Store) Discard(ctx context.Context, stream string, revision uint64) error {
	if _, err := s.db.ExecContext(ctx, `DELETE FROM snapshots WHERE stream_id = ? AND revision = ?`, stream, int64(revision)); err != nil {
		return fmt.Errorf("discard snapshot of %s at %d: %w", stream, revision, err)
	}
	return nil
}

// Close closes the file.
func (s *Store) Close() error { return s.db.Close() }
