package readpostgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/chance-video/chance/eventlog"
)

// Follower checkpoints live in the base schema (migrations/0007_follower_checkpoints.sql).

// FollowerCheckpoint is how far the follower name has got; found is false if it never
// saved a checkpoint.
func (s *Store) FollowerCheckpoint(ctx context.Context, name string) (pos eventlog.Position, found bool, err error) {
	if s.closed.Load() {
		return eventlog.Start, false, ErrClosed
	}
	var commit, prepare int64
	err = s.pool.QueryRow(ctx, `SELECT commit_pos, prepare_pos FROM `+s.base+`.follower_checkpoints WHERE name = $1`, name).Scan(&commit, &prepare)
	if errors.Is(err, pgx.ErrNoRows) {
		return eventlog.Start, false, nil
	}
	if err != nil {
		return eventlog.Start, false, fmt.Errorf("checkpoint of %s: %w", name, err)
	}
	return eventlog.Position{Commit: uint64(commit), Prepare: uint64(prepare)}, true, nil
}

// SaveFollowerCheckpoint records pos as how far name has got, unless it has got
// further: a follower that lost its lease late must not undo its successor's progress.
func (s *Store) SaveFollowerCheckpoint(ctx context.Context, name string, pos eventlog.Position) error {
	if s.closed.Load() {
		return ErrClosed
	}
	_, err := s.pool.Exec(ctx, `INSERT INTO `+s.base+`.follower_checkpoints AS f (name, commit_pos, prepare_pos) VALUES ($1, $2, $3)
		ON CONFLICT (name) DO UPDATE SET commit_pos = excluded.commit_pos, prepare_pos = excluded.prepare_pos
		WHERE (excluded.commit_pos, excluded.prepare_pos) > (f.commit_pos, f.prepare_pos)`, name, int64(pos.Commit), int64(pos.Prepare))
	if err != nil {
		return fmt.Errorf("save the checkpoint of %s: %w", name, err)
	}
	return nil
}
