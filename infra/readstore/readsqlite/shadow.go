package readsqlite

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"

	"github.com/chance-video/chance/eventlog"
	"github.com/chance-video/chance/infra/readstore/generations"
	"github.com/chance-video/chance/projections"
)

// build is this engine's half of a shadow (generations.Shadow has the lifecycle): a new
// generation file beside the serving one, recorded in the manifest by Commit.
type build struct {
	store *Store
	name  string
	gen   *generation
}

var _ generations.Build[*generation] = (*build)(nil)

// Shadow creates the next generation of projection, empty, with a fresh schema.
func (s *Store) Shadow(ctx context.Context, name string) (projections.Shadow, error) {
	p, err := s.projection(name)
	if err != nil {
		return nil, err
	}
	return p.Shadow(ctx, func(ctx context.Context) (generations.Build[*generation], error) {
		n := p.next // under the projection's lock: Shadow calls begin holding it
		p.next++
		// A file of that number can only be a leftover that Open could not delete: start clean.
		for _, suffix := range sqliteSuffixes {
			if err := os.Remove(filepath.Join(s.dir, generationFile(name, n)) + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
				return nil, err
			}
		}
		g, err := openGeneration(ctx, s.dir, name, n, s.caches.projection(name))
		if err != nil {
			return nil, err
		}
		return &build{store: s, name: name, gen: g}, nil
	})
}

func (b *build) Generation() *generation { return b.gen }

func (b *build) Checkpoint(ctx context.Context, name string) (eventlog.Position, error) {
	return readCheckpoint(ctx, b.gen.file, name)
}

func (b *build) Update(ctx context.Context, name string, reached eventlog.Position, fn func(projections.Writes) error) error {
	return update(ctx, b.gen.file, name, reached, fn)
}

// Commit names the shadow's file in the manifest, so that a restart serves it.
func (b *build) Commit(context.Context) error {
	s := b.store
	s.manifestMu.Lock()
	defer s.manifestMu.Unlock()
	m := manifest{Format: s.manifest.Format, Generations: maps.Clone(s.manifest.Generations)}
	m.Generations[b.name] = b.gen.number
	if err := writeManifest(s.dir, m); err != nil {
		return fmt.Errorf("write %s: %w", manifestName, err)
	}
	s.manifest = m
	return nil
}

// Retire deletes the old generation's files; if they cannot be deleted now, the next
// Open deletes them (the manifest no longer names them).
func (b *build) Retire(_ context.Context, old *generation) {
	if old != nil {
		old.remove() //nolint:errcheck // a file left behind is a stray: the next Open deletes it
	}
}

// Drop closes and deletes the shadow's file.
func (b *build) Drop(context.Context) error { return b.gen.remove() }
