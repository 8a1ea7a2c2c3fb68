// Package backup copies the embedded data folder while its server runs, and puts such a
// copy back in place of a folder no server holds.
//
// A backup is a folder laid out like a data folder, plus ManifestName. Its parts are
// copied one after another, in an order that keeps them consistent when restored:
// whatever follows the log (checkpoints, read models, sent records) first, the log
// last, so a restored folder never has a follower ahead of its log; on start they
// catch up from where they were.
package backup

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/chance-video/chance/infra/atomicfile"
)

// ManifestName is the file that makes a folder a backup.
const ManifestName = "BACKUP.json"

// manifestFormat is the layout this build writes and restores.
const manifestFormat = 1

// Manifest describes a backup.
type Manifest struct {
	Format    int       `json:"format"`
	CreatedAt time.Time `json:"created_at"`
	// LogHead is the log's head when the log's copy began: the copy holds at least this.
	LogHead string   `json:"log_head"`
	Parts   []string `json:"parts"`
}

// Part is one piece of a backup, written into the staging folder by Write (its own
// file or folder there, named Name).
type Part struct {
	Name  string
	Write func(ctx context.Context, dest string) error
}

// ErrExists: the backup's destination is already there; a backup never overwrites one.
var ErrExists = errors.New("already exists")

// Create writes the parts, in order, into a new folder dest. It stages them in a
// private sibling folder and renames it to dest once all are written: dest is a
// whole backup or nothing, even if the process dies half-way. The parts may fill in m
// (the log's head) before it is written.
func Create(ctx context.Context, dest string, m *Manifest, parts ...Part) (err error) {
	if _, err := os.Lstat(dest); err == nil {
		return fmt.Errorf("backup %s: %w", dest, ErrExists)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("backup %s: %w", dest, err)
	}
	stage, err := os.MkdirTemp(filepath.Dir(dest), "."+filepath.Base(dest)+".partial-")
	if err != nil {
		return fmt.Errorf("backup %s: %w", dest, err)
	}
	defer func() {
		if err != nil {
			os.RemoveAll(stage)
		}
	}()
	m.Format = manifestFormat
	m.Parts = nil
	for _, p := range parts {
		if err := p.Write(ctx, filepath.Join(stage, p.Name)); err != nil {
			return fmt.Errorf("backup %s: %s: %w", dest, p.Name, err)
		}
		m.Parts = append(m.Parts, p.Name)
	}
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(stage, ManifestName), data, 0o600); err != nil {
		return fmt.Errorf("backup %s: %w", dest, err)
	}
	if err := errors.Join(syncFile(filepath.Join(stage, ManifestName)), atomicfile.SyncDir(stage)); err != nil {
		return fmt.Errorf("backup %s: %w", dest, err)
	}
	if err := os.Rename(stage, dest); err != nil {
		return fmt.Errorf("backup %s: %w", dest, err)
	}
	return atomicfile.SyncDir(filepath.Dir(dest))
}

// ReadManifest reads the manifest of the backup in dir, refusing a folder that is not
// a backup or one of a layout this build does not know.
func ReadManifest(dir string) (Manifest, error) {
	var m Manifest
	data, err := os.ReadFile(filepath.Join(dir, ManifestName))
	if errors.Is(err, fs.ErrNotExist) {
		return m, fmt.Errorf("%s is not a backup (no %s)", dir, ManifestName)
	}
	if err != nil {
		return m, err
	}
	if err := json.Unmarshal(data, &m); err != nil {
		return m, fmt.Errorf("%s: %w", filepath.Join(dir, ManifestName), err)
	}
	if m.Format != manifestFormat {
		return m, fmt.Errorf("%s is a backup of format %d; this build restores format %d", dir, m.Format, manifestFormat)
	}
	return m, nil
}
