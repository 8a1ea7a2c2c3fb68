package backup

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/chance-video/chance/infra/atomicfile"
	"github.com/chance-video/chance/infra/datadir"
)

// Restored says what Restore did.
type Restored struct {
	Manifest Manifest
	// Aside is where the folder's previous contents went (empty: it had none).
	Aside string
}

// Restore makes dataDir the backup in src. It holds the folder's lock throughout, so
// it refuses while a server (or any chance command) owns the folder: *datadir.HeldError.
// A folder with data is refused unless replace is set; then its contents are moved,
// not deleted, to a sibling folder "<dataDir>.before-restore-<time>".
func Restore(src, dataDir string, replace bool, owner datadir.Owner, now time.Time) (_ Restored, err error) {
	m, err := ReadManifest(src)
	if err != nil {
		return Restored{}, err
	}
	lock, err := datadir.Acquire(dataDir, owner)
	if err != nil {
		return Restored{}, err
	}
	defer func() { err = errors.Join(err, lock.Release()) }()

	present, err := contents(dataDir)
	if err != nil {
		return Restored{}, err
	}
	r := Restored{Manifest: m}
	if len(present) > 0 {
		if !replace {
			return Restored{}, fmt.Errorf("the data folder %s is not empty (%d entries, such as %s); pass --replace to move them aside first", dataDir, len(present), present[0])
		}
		r.Aside = filepath.Clean(dataDir) + ".before-restore-" + now.UTC().Format("20060102T150405Z")
		if err := os.Mkdir(r.Aside, 0o700); err != nil {
			return Restored{}, fmt.Errorf("move the data folder's contents aside: %w", err)
		}
		for _, name := range present {
			if err := os.Rename(filepath.Join(dataDir, name), filepath.Join(r.Aside, name)); err != nil {
				return Restored{}, fmt.Errorf("move %s aside to %s: %w", name, r.Aside, err)
			}
		}
	}
	for _, part := range m.Parts {
		from, to := filepath.Join(src, part), filepath.Join(dataDir, part)
		info, err := os.Stat(from)
		if errors.Is(err, os.ErrNotExist) {
			continue // a part the live folder did not have yet (no mail sent, say)
		}
		if err != nil {
			return r, err
		}
		if info.IsDir() {
			err = CopyTree(from, to)
		} else {
			err = CopyFile(from, to)
		}
		if err != nil {
			return r, fmt.Errorf("restore %s: %w", part, err)
		}
	}
	return r, atomicfile.SyncDir(dataDir)
}

// contents lists what a data folder holds besides its lock and an empty operator
// socket folder (both left by any server that stopped).
func contents(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range entries {
		if e.Name() == datadir.FileName {
			continue
		}
		if e.Name() == "operator" && e.IsDir() {
			if inside, err := os.ReadDir(filepath.Join(dir, e.Name())); err == nil && len(inside) == 0 {
				continue
			}
		}
		out = append(out, e.Name())
	}
	return out, nil
}
