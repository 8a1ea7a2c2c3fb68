package readsqlite

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/chance-video/chance/infra/readstore/generations"
	"github.com/chance-video/chance/infra/readstore/inflight"
	"github.com/chance-video/chance/infra/sqliteerr"
)

// A generation is one build of a projection: its own file, "<projection>.g<N>.db".
// Rebuilding writes generation N+1 beside N while N serves queries; promoting swaps
// the manifest and the in-memory pointer, then deletes N. A file per generation makes
// the swap a pointer change and the cleanup a file deletion, with no table renames
// inside a database that readers are using.
type generation struct {
	*file
	number int
	refs   *inflight.Refs
	// merging: a background merge of its text indexes is running (mergeLive).
	merging atomic.Bool
}

func generationFile(projection string, n int) string {
	return fmt.Sprintf("%s.g%d.db", projection, n)
}

// parseGenerationFile recognises a generation file or one of SQLite's companions to it.
func parseGenerationFile(name string) (projection string, n int, ok bool) {
	for _, suffix := range sqliteSuffixes[1:] {
		name = strings.TrimSuffix(name, suffix)
	}
	base, found := strings.CutSuffix(name, ".db")
	if !found {
		return "", 0, false
	}
	i := strings.LastIndex(base, ".g")
	if i <= 0 {
		return "", 0, false
	}
	n, err := strconv.Atoi(base[i+2:])
	if err != nil || n <= 0 {
		return "", 0, false
	}
	return base[:i], n, true
}

func openGeneration(ctx context.Context, dir, projection string, n int, cache cacheSizes) (*generation, error) {
	path := filepath.Join(dir, generationFile(projection, n))
	m := modelOf(projection)
	f, err := openFile(ctx, path, m.schema, append(slices.Clone(m.statements), upsertCheckpoint), true, rebuildable, cache)
	if err != nil {
		if sqliteerr.Corrupt(err) {
			return nil, fmt.Errorf("open %s: %w (this file holds only the %s read model, derived from the event log: "+
				"move it away and start again to rebuild it from the log)", path, err, projection)
		}
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	for _, table := range m.textIndexes {
		for _, setting := range textIndexSettings(table) {
			if _, err := f.write.ExecContext(ctx, setting); err != nil {
				return nil, errors.Join(fmt.Errorf("open %s: %s: %w", path, table, err), f.close())
			}
		}
	}
	return &generation{file: f, number: n, refs: inflight.New()}, nil
}

// projection is the serving generation of a projection and its build in progress
// (generations.Projection), with the number the next build gets.
type projection struct {
	*generations.Projection[generation, *generation]
	next int // guarded by the projection's lock: only Shadow's begin step uses it
}

// slot serves a file that is not a projection (the inbox, the dead letters): one
// generation forever, counted in flight so that Close waits for the calls on it.
type slot = generations.Projection[generation, *generation]

// InFlight counts the calls using the generation.
func (g *generation) InFlight() *inflight.Refs { return g.refs }

// Number is the generation's number (0 for a file that is not a projection).
func (g *generation) Number() int { return g.number }

// removeStrays deletes generation files of known projections that the manifest does
// not name: a shadow build cut short by a crash, or an old generation whose deletion
// after a promote was. It returns the highest generation number seen per projection.
func removeStrays(dir string, serving map[string]int) (map[string]int, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	highest := map[string]int{}
	var errs []error
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, manifestName+".tmp-") {
			errs = append(errs, os.Remove(filepath.Join(dir, name)))
			continue
		}
		projection, n, ok := parseGenerationFile(name)
		if !ok {
			continue
		}
		current, known := serving[projection]
		if !known {
			continue // another version's files: not ours to delete
		}
		highest[projection] = max(highest[projection], n)
		if n != current {
			errs = append(errs, os.Remove(filepath.Join(dir, name)))
		}
	}
	return highest, errors.Join(errs...)
}
