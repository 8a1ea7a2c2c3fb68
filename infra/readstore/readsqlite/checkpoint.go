package readsqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/chance-video/chance/eventlog"
)

const upsertCheckpoint = `INSERT INTO checkpoint (only, commit_pos, prepare_pos) VALUES (1, ?, ?)
	ON CONFLICT (only) DO UPDATE SET commit_pos = excluded.commit_pos, prepare_pos = excluded.prepare_pos`

// readCheckpoint reads a generation's checkpoint; Start if nothing was applied yet.
func readCheckpoint(ctx context.Context, f *file, name string) (eventlog.Position, error) {
	var commit, prepare int64
	err := f.read.QueryRowContext(ctx, `SELECT commit_pos, prepare_pos FROM checkpoint WHERE only = 1`).Scan(&commit, &prepare)
	if errors.Is(err, sql.ErrNoRows) {
		return eventlog.Start, nil
	}
	if err != nil {
		return eventlog.Start, fmt.Errorf("checkpoint of %s: %w", name, err)
	}
	return eventlog.Position{Commit: uint64(commit), Prepare: uint64(prepare)}, nil
}
