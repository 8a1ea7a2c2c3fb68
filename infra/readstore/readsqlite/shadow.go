package readsqlite

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"sync"

	"github.com/chance-video/chance/eventlog"
	"github.com/chance-video/chance/projections"
)

// shadow is a generation being built beside the serving one. Its Update and Checkpoint
// act on its own file; queries keep reading the serving generation until Promote.
type shadow struct {
	store *Store
	p     *projection
	gen   *generation

	mu   sync.Mutex // serializes the shadow's calls: one rebuild drives it
	done bool       // promoted or discarded
}

var _ projections.Shadow = (*shadow)(nil)

// Shadow creates the next generation of projection, empty, with a fresh schema.
func (s *Store) Shadow(ctx context.Context, name string) (projections.Shadow, error) {
	p, err := s.projection(name)
	if err != nil {
		return nil, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.serving.Load() == nil {
		return nil, ErrClosed
	}
	if p.building != nil {
		return nil, fmt.Errorf("shadow %s: %w (generation %d)", name, projections.ErrRebuildInProgress, p.building.gen.number)
	}
	n := p.next
	p.next++
	// A file of that number can only be a leftover that Open could not delete: start clean.
	for _, suffix := range sqliteSuffixes {
		if err := os.Remove(filepath.Join(s.dir, generationFile(name, n)) + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("shadow %s: %w", name, err)
		}
	}
	g, err := openGeneration(ctx, s.dir, name, n)
	if err != nil {
		return nil, fmt.Errorf("shadow %s: %w", name, err)
	}
	p.building = &shadow{store: s, p: p, gen: g}
	return p.building, nil
}

func (sh *shadow) Checkpoint(ctx context.Context, name string) (eventlog.Position, error) {
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if err := sh.usable(name); err != nil {
		return eventlog.Start, err
	}
	return readCheckpoint(ctx, sh.gen.file, name)
}

func (sh *shadow) Update(ctx context.Context, name string, reached eventlog.Position, fn func(projections.Writes) error) error {
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if err := sh.usable(name); err != nil {
		return err
	}
	return update(ctx, sh.gen.file, name, reached, fn)
}

func (sh *shadow) usable(name string) error {
	if sh.done {
		return fmt.Errorf("shadow %s generation %d: %w", sh.p.name, sh.gen.number, projections.ErrShadowDone)
	}
	if name != sh.p.name {
		return fmt.Errorf("shadow of %s asked for %s: %w", sh.p.name, name, projections.ErrWrongProjection)
	}
	return nil
}

// Promote makes the shadow the serving generation: first the manifest (so a restart
// serves it), then the in-memory pointer. The old generation is deleted once the reads
// in flight on it finish; if its files cannot be deleted now, the next Open deletes them.
func (sh *shadow) Promote(ctx context.Context) error {
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if err := sh.usable(sh.p.name); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	p, s := sh.p, sh.store
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.building != sh || p.serving.Load() == nil {
		return fmt.Errorf("promote %s: %w", p.name, ErrClosed) // Close discarded it
	}

	s.manifestMu.Lock()
	m := manifest{Format: s.manifest.Format, Generations: maps.Clone(s.manifest.Generations)}
	m.Generations[p.name] = sh.gen.number
	err := writeManifest(s.dir, m)
	if err == nil {
		s.manifest = m
	}
	s.manifestMu.Unlock()
	if err != nil {
		return fmt.Errorf("promote %s generation %d: %w", p.name, sh.gen.number, err)
	}

	sh.done = true
	p.building = nil
	if old := p.retire(sh.gen); old != nil {
		old.remove() //nolint:errcheck // a file left behind is a stray: the next Open deletes it
	}
	return nil
}

// Discard closes and deletes the shadow's file; the serving generation was never touched.
func (sh *shadow) Discard(ctx context.Context) error {
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if sh.done {
		return fmt.Errorf("discard %s: %w", sh.p.name, projections.ErrShadowDone)
	}
	sh.done = true
	sh.p.mu.Lock()
	if sh.p.building == sh {
		sh.p.building = nil
	}
	sh.p.mu.Unlock()
	if err := sh.gen.remove(); err != nil {
		return fmt.Errorf("discard %s generation %d: %w", sh.p.name, sh.gen.number, err)
	}
	return nil
}
