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
		if err := g.scratch(ctx); err != nil {
			return nil, errors.Join(err, g.remove())
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

// Commit makes the shadow's file durable and names it in the manifest, so that a
// restart serves it.
func (b *build) Commit(ctx context.Context) error {
	// Merged before it serves: nothing reads the shadow, so the steps run back to back.
	for _, table := range modelOf(b.name).textIndexes {
		if _, err := mergeText(ctx, b.gen.file, table, 1, -shadowMergePages, nil); err != nil {
			return fmt.Errorf("shadow %s: %w", b.name, err)
		}
	}
	if err := b.gen.harden(ctx); err != nil {
		return fmt.Errorf("shadow %s: %w", b.name, err)
	}
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

// scratch stops the shadow's commits from syncing (synchronous=OFF): a power cut may
// then corrupt the file, but a shadow serves nothing until Commit, and a shadow cut
// short by a crash is deleted on the next Open (the manifest does not name it), so
// nothing could ever read a corrupt one. The setting is the write connection's own: if
// database/sql ever replaced that connection, the new one would be NORMAL again (the
// file's DSN), the safe side.
func (g *generation) scratch(ctx context.Context) error {
	if _, err := g.write.ExecContext(ctx, `PRAGMA synchronous = OFF`); err != nil {
		return fmt.Errorf("shadow without syncs: %w", err)
	}
	return nil
}

// harden makes a shadow written by scratch durable before it is named in the manifest:
// back to synchronous=NORMAL, then a checkpoint, which syncs the WAL, copies it into the
// file and syncs the file.
func (g *generation) harden(ctx context.Context) error {
	if _, err := g.write.ExecContext(ctx, `PRAGMA synchronous = `+string(rebuildable)); err != nil {
		return fmt.Errorf("synchronous %s: %w", rebuildable, err)
	}
	var busy, frames, done int
	if err := g.write.QueryRowContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &frames, &done); err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	if busy != 0 {
		return fmt.Errorf("checkpoint: blocked (%d of %d frames copied)", done, frames)
	}
	return nil
}
