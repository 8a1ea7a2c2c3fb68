package readpostgres

import (
	"context"
	"fmt"
	"sync"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/chance-video/chance/eventlog"
	"github.com/chance-video/chance/projections"
)

// shadow is a generation being built beside the serving one. Its Update and Checkpoint
// act on its own schema; queries keep reading the serving generation until Promote.
//
// The build holds one pooled connection for its whole life, with the projection's build
// lock taken at session level: no other process can start a build of the projection or
// drop this one as a stray, and if this process dies the lock goes with its session.
type shadow struct {
	store *Store
	p     *projection
	gen   *generation
	conn  *pgxpool.Conn

	mu   sync.Mutex // serializes the shadow's calls: one rebuild drives it
	done bool       // promoted or discarded
}

var _ projections.Shadow = (*shadow)(nil)

// Shadow creates the next generation of projection, empty.
func (s *Store) Shadow(ctx context.Context, name string) (_ projections.Shadow, err error) {
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
		return nil, fmt.Errorf("shadow %s: %w (generation %d, in this process)", name, projections.ErrRebuildInProgress, p.building.gen.number)
	}
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return nil, fmt.Errorf("shadow %s: %w", name, err)
	}
	var locked bool
	if err := conn.QueryRow(ctx, `SELECT pg_try_advisory_lock(hashtextextended($1, 0))`, s.buildLock(name)).Scan(&locked); err != nil {
		conn.Release()
		return nil, fmt.Errorf("shadow %s: build lock: %w", name, err)
	}
	if !locked {
		conn.Release()
		return nil, fmt.Errorf("shadow %s: %w (by another process)", name, projections.ErrRebuildInProgress)
	}
	sh := &shadow{store: s, p: p, conn: conn}
	defer func() {
		if err != nil {
			sh.release()
		}
	}()
	var n int
	err = pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
		var serving, next int
		err := tx.QueryRow(ctx, `SELECT serving, next FROM `+s.base+`.generations WHERE projection = $1 FOR UPDATE`, name).Scan(&serving, &next)
		if err != nil {
			return err
		}
		highest, err := s.dropStrays(ctx, tx, name, serving)
		if err != nil {
			return fmt.Errorf("drop stray generations: %w", err)
		}
		n = max(next, highest+1)
		if _, err := tx.Exec(ctx, `UPDATE `+s.base+`.generations SET next = $2 WHERE projection = $1`, name, n+1); err != nil {
			return err
		}
		return s.createGeneration(ctx, tx, name, n)
	})
	if err != nil {
		return nil, fmt.Errorf("shadow %s: %w", name, err)
	}
	sh.gen = newGeneration(s.schema, name, n)
	p.building = sh
	return sh, nil
}

func (sh *shadow) Checkpoint(ctx context.Context, name string) (eventlog.Position, error) {
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if err := sh.usable(name); err != nil {
		return eventlog.Start, err
	}
	return sh.store.checkpoint(ctx, name, `SELECT commit_pos, prepare_pos FROM `+sh.store.base+`.checkpoints
		WHERE projection = $1 AND generation = $2`, name, sh.gen.number)
}

func (sh *shadow) Update(ctx context.Context, name string, reached eventlog.Position, fn func(projections.Writes) error) error {
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if err := sh.usable(name); err != nil {
		return err
	}
	return sh.store.update(ctx, sh.gen, name, reached, false, fn)
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

// Promote makes the shadow the serving generation: first the manifest, in one
// transaction (from its commit on, a restart or another process serves the shadow),
// then this process's pointer. The old generation is dropped once the reads in flight on
// it here finish; if the drop fails, the next Shadow or Open of the projection drops it.
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
	var old int
	err := pgx.BeginFunc(ctx, sh.conn, func(tx pgx.Tx) error {
		// FOR UPDATE waits for the Updates in flight on the serving generation (they
		// hold the row FOR SHARE) and makes later ones see the new generation.
		if err := tx.QueryRow(ctx, `SELECT serving FROM `+s.base+`.generations WHERE projection = $1 FOR UPDATE`, p.name).Scan(&old); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `UPDATE `+s.base+`.generations SET serving = $2, layout = $3 WHERE projection = $1`,
			p.name, sh.gen.number, layoutVersion)
		return err
	})
	if err != nil {
		return fmt.Errorf("promote %s generation %d: %w", p.name, sh.gen.number, err)
	}
	sh.done = true
	p.building = nil
	p.retire(sh.gen)
	cleanup := context.WithoutCancel(ctx)                   // the promote has committed: finish tidying up
	pgx.BeginFunc(cleanup, sh.conn, func(tx pgx.Tx) error { //nolint:errcheck // a generation left behind is a stray: dropped later
		return s.dropGeneration(cleanup, tx, p.name, old)
	})
	sh.release()
	return nil
}

// Discard drops the shadow's schema; the serving generation was never touched.
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
	cleanup := context.WithoutCancel(ctx) // a rebuild discards on failure, often with its context cancelled
	err := pgx.BeginFunc(cleanup, sh.conn, func(tx pgx.Tx) error {
		return sh.store.dropGeneration(cleanup, tx, sh.p.name, sh.gen.number)
	})
	sh.release()
	if err != nil {
		return fmt.Errorf("discard %s generation %d: %w", sh.p.name, sh.gen.number, err)
	}
	return nil
}

// release gives up the build lock and the connection. If the unlock fails the
// connection is closed instead, which frees the lock with the session.
func (sh *shadow) release() {
	ctx := context.Background()
	var unlocked bool
	err := sh.conn.QueryRow(ctx, `SELECT pg_advisory_unlock(hashtextextended($1, 0))`, sh.store.buildLock(sh.p.name)).Scan(&unlocked)
	if err != nil || !unlocked {
		sh.conn.Conn().Close(ctx) //nolint:errcheck // closing is the fallback
	}
	sh.conn.Release()
}
