package checkpoints

import (
	"context"
	"fmt"

	"github.com/chance-video/chance/eventlog"
)

// Store keeps followers' checkpoints in the configured read store, so that any process
// can take a follower's role over (readsqlite and readpostgres implement it). A saved
// checkpoint never moves back.
type Store interface {
	FollowerCheckpoint(ctx context.Context, name string) (pos eventlog.Position, found bool, err error)
	SaveFollowerCheckpoint(ctx context.Context, name string, pos eventlog.Position) error
}

// Stored keeps checkpoints in a Store. A follower the store knows nothing of yet takes
// the position of its old checkpoint file (Legacy, the data folder's checkpoints
// folder) once, on the first Load after an upgrade: the forwarder then re-sends no
// history and recovery does not re-scan the log from its start.
type Stored struct {
	Store  Store
	Legacy Files // its Dir may be empty: no files to take over
}

// Load returns the saved position, or Start if none was saved.
func (s Stored) Load(ctx context.Context, name string) (eventlog.Position, error) {
	pos, found, err := s.Store.FollowerCheckpoint(ctx, name)
	if err != nil || found || s.Legacy.Dir == "" {
		return pos, err
	}
	old, err := s.Legacy.Load(ctx, name)
	if err != nil || old.IsStart() {
		return eventlog.Start, err
	}
	if err := s.Store.SaveFollowerCheckpoint(ctx, name, old); err != nil {
		return eventlog.Start, fmt.Errorf("take over the checkpoint file of %s: %w", name, err)
	}
	return old, nil
}

// Save records pos (unless the store has a later position already).
func (s Stored) Save(ctx context.Context, name string, pos eventlog.Position) error {
	return s.Store.SaveFollowerCheckpoint(ctx, name, pos)
}
