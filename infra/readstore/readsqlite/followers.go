package readsqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/chance-video/chance/eventlog"
)

// Follower checkpoints: how far each follower of the log that is not a projection (the
// forwarder, flow recovery) has got. Not a projection (nothing rebuilds them), so a file
// of their own, committed with synchronous=FULL.

const followersFile = "followers.db"

var followersSchema = []string{
	`CREATE TABLE follower_checkpoints (
		name        TEXT    PRIMARY KEY,
		commit_pos  INTEGER NOT NULL,
		prepare_pos INTEGER NOT NULL
	) WITHOUT ROWID`,
}

// saveFollower never moves a checkpoint back: a follower that lost its lease late
// must not undo its successor's progress.
const saveFollower = `INSERT INTO follower_checkpoints (name, commit_pos, prepare_pos) VALUES (?, ?, ?)
	ON CONFLICT (name) DO UPDATE SET commit_pos = excluded.commit_pos, prepare_pos = excluded.prepare_pos
	WHERE (excluded.commit_pos, excluded.prepare_pos) > (follower_checkpoints.commit_pos, follower_checkpoints.prepare_pos)`

// FollowerCheckpoint is how far the follower name has got; found is false if it never
// saved a checkpoint.
func (s *Store) FollowerCheckpoint(ctx context.Context, name string) (pos eventlog.Position, found bool, err error) {
	g, release, err := s.followers.Acquire()
	if err != nil {
		return eventlog.Start, false, err
	}
	defer release()
	var commit, prepare int64
	err = g.read.QueryRowContext(ctx, `SELECT commit_pos, prepare_pos FROM follower_checkpoints WHERE name = ?`, name).Scan(&commit, &prepare)
	if errors.Is(err, sql.ErrNoRows) {
		return eventlog.Start, false, nil
	}
	if err != nil {
		return eventlog.Start, false, fmt.Errorf("checkpoint of %s: %w", name, err)
	}
	return eventlog.Position{Commit: uint64(commit), Prepare: uint64(prepare)}, true, nil
}

// SaveFollowerCheckpoint records pos as how far name has got, unless it has got further.
func (s *Store) SaveFollowerCheckpoint(ctx context.Context, name string, pos eventlog.Position) error {
	g, release, err := s.followers.Acquire()
	if err != nil {
		return err
	}
	defer release()
	stmt, _ := g.prepared(saveFollower)
	if _, err := stmt.ExecContext(ctx, name, int64(pos.Commit), int64(pos.Prepare)); err != nil {
		return fmt.Errorf("save the checkpoint of %s: %w", name, err)
	}
	return nil
}
