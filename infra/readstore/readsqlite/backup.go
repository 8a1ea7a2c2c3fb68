package readsqlite

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/chance-video/chance/infra/backup"
)

// BackupTo writes a consistent copy of the store into the new folder dir: each
// projection's serving generation (its rows and its checkpoint together, so the copy
// resumes where it was), every other file of the folder (inbox, dead letters, sent
// records), and a manifest naming the generations copied. Writes go on meanwhile; a
// promote of a generation being copied waits for its copy.
func (s *Store) BackupTo(ctx context.Context, dir string) error {
	if err := os.Mkdir(dir, 0o700); err != nil {
		return fmt.Errorf("back up the read store: %w", err)
	}
	m := manifest{Format: manifestFormat, Generations: map[string]int{}}
	for _, name := range projectionNames() {
		p, err := s.projection(name)
		if err != nil {
			return err
		}
		g, release, err := p.Acquire() // holds the generation: a promote cannot retire it mid-copy
		if err != nil {
			return fmt.Errorf("back up %s: %w", name, err)
		}
		err = backup.VacuumInto(ctx, g.path, filepath.Join(dir, generationFile(name, g.number)))
		release()
		if err != nil {
			return err
		}
		m.Generations[name] = g.number
	}
	// The files that are not projections are never swapped: each is copied as it is.
	others, err := s.otherFiles()
	if err != nil {
		return fmt.Errorf("back up the read store: %w", err)
	}
	for _, name := range others {
		if err := backup.VacuumInto(ctx, filepath.Join(s.dir, name), filepath.Join(dir, name)); err != nil {
			return err
		}
	}
	return writeManifest(dir, m)
}

// otherFiles lists the SQLite files of the folder that are not generation files (the
// inbox, dead letters, sent records, and whatever a later version adds beside them).
// Any other kind of file is an error: a backup must not leave out what it does not know.
func (s *Store) otherFiles() ([]string, error) {
	entries, err := os.ReadDir(s.dir)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range entries {
		name := e.Name()
		switch {
		case name == manifestName, strings.HasPrefix(name, manifestName+".tmp-"):
		case strings.HasSuffix(name, "-wal"), strings.HasSuffix(name, "-shm"), strings.HasSuffix(name, "-journal"):
		case isGenerationFile(name): // copied above if it serves; a stray or another version's otherwise
		case strings.HasSuffix(name, ".db") && e.Type().IsRegular():
			out = append(out, name)
		default:
			return nil, fmt.Errorf("%s in %s is not a file this build knows how to back up", name, s.dir)
		}
	}
	return out, nil
}

func isGenerationFile(name string) bool {
	_, _, ok := parseGenerationFile(name)
	return ok
}
