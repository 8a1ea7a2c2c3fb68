package readsqlite

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/chance-video/chance/infra/atomicfile"
)

// manifestName is the file that says which generation of each projection serves. A
// restart opens exactly those files; any other generation file is a build that never
// got promoted (or an old one whose deletion was cut short) and is deleted.
const manifestName = "manifest.json"

type manifest struct {
	Format      int            `json:"format"`
	Generations map[string]int `json:"generations"` // projection name → serving generation
}

const manifestFormat = 1

// readManifest returns the manifest in dir, or an empty one if there is none yet.
func readManifest(dir string) (manifest, error) {
	m := manifest{Format: manifestFormat, Generations: map[string]int{}}
	b, err := os.ReadFile(filepath.Join(dir, manifestName))
	if errors.Is(err, os.ErrNotExist) {
		return m, nil
	}
	if err != nil {
		return m, err
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return m, fmt.Errorf("%s: %w", manifestName, err)
	}
	if m.Format != manifestFormat {
		return m, fmt.Errorf("%s has format %d, this build knows %d", manifestName, m.Format, manifestFormat)
	}
	if m.Generations == nil {
		m.Generations = map[string]int{}
	}
	return m, nil
}

// writeManifest replaces the manifest atomically: a reader (or a crash) sees the old
// manifest or the new one, never a mix.
func writeManifest(dir string, m manifest) error {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.Write(filepath.Join(dir, manifestName), b)
}
