// Package checkpoints keeps how far each follower of the log that is not a projection
// (the forwarder, flow recovery) has got: in the read store (Stored), taking over the
// files (Files) older versions kept in the data folder. Projections keep theirs with
// their rows.
package checkpoints

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/chance-video/chance/eventlog"
	"github.com/chance-video/chance/infra/atomicfile"
)

// Files keeps followers' checkpoints as small JSON files in a folder,
// each replaced atomically.
type Files struct {
	Dir string
}

// Load returns the saved position, or Start if none was saved.
func (f Files) Load(_ context.Context, name string) (eventlog.Position, error) {
	data, err := os.ReadFile(f.path(name))
	if errors.Is(err, fs.ErrNotExist) {
		return eventlog.Start, nil
	}
	if err != nil {
		return eventlog.Start, err
	}
	var pos eventlog.Position
	if err := json.Unmarshal(data, &pos); err != nil {
		return eventlog.Start, fmt.Errorf("checkpoint %s is corrupt: %w", f.path(name), err)
	}
	return pos, nil
}

// Save replaces the saved position.
func (f Files) Save(_ context.Context, name string, pos eventlog.Position) error {
	if err := os.MkdirAll(f.Dir, 0o750); err != nil {
		return err
	}
	data, err := json.Marshal(pos)
	if err != nil {
		return err
	}
	return atomicfile.Write(f.path(name), data)
}

func (f Files) path(name string) string {
	return filepath.Join(f.Dir, name+".checkpoint.json")
}
