// Package snappostgres keeps the command service's snapshots (commands.Snapshots) in a
// PostgreSQL table, "snapshots" in the event store's schema, shared by every process
// of a fleet. Snapshots are a cache of the log: the table is UNLOGGED (not written to
// the WAL, emptied by a crash), which only means folding more after one.
package snappostgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/chance-video/chance/commands"
	"github.com/chance-video/chance/infra/pgmigrate"
)

// Store is the snapshot table of one schema.
type Store struct {
	pool  *pgxpool.Pool
	table string
}

// Open connects to url and creates schema.snapshots if it does not exist.
func Open(ctx context.Context, url, schema string) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("snapshots: %w", err)
	}
	cfg.MaxConns = 2 // the background writer and a cold load
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("snapshots: %w", err)
	}
	s := &Store{pool: pool, table: pgx.Identifier{schema, "snapshots"}.Sanitize()}
	ddl := `CREATE SCHEMA IF NOT EXISTS ` + pgx.Identifier{schema}.Sanitize() + `;
		CREATE UNLOGGED TABLE IF NOT EXISTS ` + s.table + ` (
			stream_id text   PRIMARY KEY,
			revision  bigint NOT NULL,
			version   int    NOT NULL,
			data      bytea  NOT NULL)`
	if err := create(ctx, pool, ddl); err != nil {
		pool.Close()
		return nil, fmt.Errorf("snapshots: create %s: %w", s.table, err)
	}
	return s, nil
}

// create runs the DDL under an advisory lock: processes starting together would
// otherwise race in CREATE ... IF NOT EXISTS, which is not safe against itself
// (a duplicate key in pg_type).
func create(ctx context.Context, pool *pgxpool.Pool, ddl string) error {
	return pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if err := pgmigrate.Lock(ctx, tx, "chance snapshots: create"); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, ddl)
		return err
	})
}

// Load returns a stream's snapshot.
func (s *Store) Load(ctx context.Context, stream string) (commands.Snapshot, bool, error) {
	snap := commands.Snapshot{Stream: stream}
	var rev int64
	err := s.pool.QueryRow(ctx, `SELECT revision, version, data FROM `+s.table+` WHERE stream_id = $1`, stream).Scan(&rev, &snap.Version, &snap.Data)
	if errors.Is(err, pgx.ErrNoRows) {
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
	_, err := s.pool.Exec(ctx, `INSERT INTO `+s.table+` AS t (stream_id, revision, version, data) VALUES ($1, $2, $3, $4)
		ON CONFLICT (stream_id) DO UPDATE SET revision = excluded.revision, version = excluded.version, data = excluded.data
		WHERE t.version <> excluded.version OR t.revision < excluded.revision`,
		snap.Stream, int64(snap.Revision), snap.Version, snap.Data)
	if err != nil {
		return fmt.Errorf("save snapshot of %s at %d: %w", snap.Stream, snap.Revision, err)
	}
	return nil
}

// Discard deletes a stream's snapshot if it is at revision.
func (s *Store) Discard(ctx context.Context, stream string, revision uint64) error {
	if _, err := s.pool.Exec(ctx, `DELETE FROM `+s.table+` WHERE stream_id = $1 AND revision = $2`, stream, int64(revision)); err != nil {
		return fmt.Errorf("discard snapshot of %s at %d: %w", stream, revision, err)
	}
	return nil
}

// Close closes the connections.
func (s *Store) Close() error {
	s.pool.Close()
	return nil
}
