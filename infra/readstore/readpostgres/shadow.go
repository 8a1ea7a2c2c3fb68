package readpostgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/chance-video/chance/eventlog"
	"github.com/chance-video/chance/infra/readstore/generations"
	"github.com/chance-video/chance/projections"
)

// build is this engine's half of a shadow (generations.Shadow has the lifecycle): a new
// generation's schema beside the serving one, recorded in the manifest table by Commit.
//
// The build holds one connection of the builds pool for its whole life, with the projection's build
// lock taken at session level: no other process can start a build of the projection or
// drop this one as a stray, and if this process dies the lock goes with its session.
type build struct {
	store *Store
	name  string
	gen   *generation
	conn  *pgxpool.Conn
	old   int // the generation Commit replaced in the manifest, dropped by Retire
}

var _ generations.Build[*generation] = (*build)(nil)

// Shadow creates the next generation of projection, empty.
func (s *Store) Shadow(ctx context.Context, name string) (projections.Shadow, error) {
	p, err := s.projection(name)
	if err != nil {
		return nil, err
	}
	return p.Shadow(ctx, func(ctx context.Context) (generations.Build[*generation], error) { return s.begin(ctx, name) })
}

// begin takes the build lock and creates the next generation's schema.
func (s *Store) begin(ctx context.Context, name string) (_ *build, err error) {
	conn, err := s.builds.Acquire(ctx)
	if err != nil {
		return nil, err
	}
	var locked bool
	if err := conn.QueryRow(ctx, `SELECT pg_try_advisory_lock(hashtextextended($1, 0))`, s.buildLock(name)).Scan(&locked); err != nil {
		conn.Release()
		return nil, fmt.Errorf("build lock: %w", err)
	}
	if !locked {
		conn.Release()
		return nil, fmt.Errorf("%w (by another process)", projections.ErrRebuildInProgress)
	}
	b := &build{store: s, name: name, conn: conn}
	defer func() {
		if err != nil {
			b.release()
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
		return nil, err
	}
	b.gen = newGeneration(s.schema, name, n)
	return b, nil
}

func (b *build) Generation() *generation { return b.gen }

func (b *build) Checkpoint(ctx context.Context, name string) (eventlog.Position, error) {
	return b.store.checkpoint(ctx, name, `SELECT commit_pos, prepare_pos FROM `+b.store.base+`.checkpoints
		WHERE projection = $1 AND generation = $2`, name, b.gen.number)
}

func (b *build) Update(ctx context.Context, name string, reached eventlog.Position, fn func(projections.Writes) error) error {
	return b.store.update(ctx, b.gen, name, nil, reached, false, fn)
}

// Commit switches the manifest row to the shadow in one transaction: from its commit on,
// a restart or another process serves the shadow.
func (b *build) Commit(ctx context.Context) error {
	s := b.store
	return pgx.BeginFunc(ctx, b.conn, func(tx pgx.Tx) error {
		// FOR UPDATE waits for the Updates in flight on the serving generation (they
		// hold the row FOR SHARE) and makes later ones see the new generation.
		if err := tx.QueryRow(ctx, `SELECT serving FROM `+s.base+`.generations WHERE projection = $1 FOR UPDATE`, b.name).Scan(&b.old); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `UPDATE `+s.base+`.generations SET serving = $2, layout = $3 WHERE projection = $1`,
			b.name, b.gen.number, layoutVersion)
		return err
	})
}

// Retire drops the generation the manifest named before Commit (this process's old
// pointer may be staler, if another process promoted earlier) and ends the build. If
// the drop fails, the next Shadow or Open of the projection drops it.
func (b *build) Retire(ctx context.Context, _ *generation) {
	pgx.BeginFunc(ctx, b.conn, func(tx pgx.Tx) error { //nolint:errcheck // a generation left behind is a stray: dropped later
		return b.store.dropGeneration(ctx, tx, b.name, b.old)
	})
	b.release()
}

// Drop drops the shadow's schema and ends the build.
func (b *build) Drop(ctx context.Context) error {
	err := pgx.BeginFunc(ctx, b.conn, func(tx pgx.Tx) error {
		return b.store.dropGeneration(ctx, tx, b.name, b.gen.number)
	})
	b.release()
	return err
}

// release gives up the build lock and the connection. If the unlock fails the
// connection is closed instead, which frees the lock with the session.
func (b *build) release() {
	ctx := context.Background()
	var unlocked bool
	err := b.conn.QueryRow(ctx, `SELECT pg_advisory_unlock(hashtextextended($1, 0))`, b.store.buildLock(b.name)).Scan(&unlocked)
	if err != nil || !unlocked {
		b.conn.Conn().Close(ctx) //nolint:errcheck // closing is the fallback
	}
	b.conn.Release()
}
