package readpostgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/chance-video/chance/eventlog"
	"github.com/chance-video/chance/projections"
)

// Update applies fn to the serving generation of projection and records reached as its
// checkpoint, in one transaction. The checkpoint never moves back: an update to a
// position behind it (a process that is behind) leaves it where it is.
func (s *Store) Update(ctx context.Context, name string, reached eventlog.Position, fn func(projections.Writes) error) error {
	return s.updateServing(ctx, name, nil, reached, fn)
}

// UpdateBatch is Update for a runner's batch whose first event is at first: when the
// checkpoint is already at or past first, another process's runner applied the batch,
// and it writes nothing and fails with projections.ErrOvertaken (see claim_batch).
func (s *Store) UpdateBatch(ctx context.Context, name string, first, reached eventlog.Position, fn func(projections.Writes) error) error {
	if first.IsStart() || reached.Less(first) {
		return fmt.Errorf("update %s: a batch from %s to %s", name, first, reached)
	}
	err := s.updateServing(ctx, name, &first, reached, fn)
	if sqlState(err) == alreadyApplied {
		return fmt.Errorf("update %s from %s to %s: %w: %w", name, first, reached, projections.ErrOvertaken, err)
	}
	return err
}

var _ projections.Shared = (*Store)(nil)

func (s *Store) updateServing(ctx context.Context, name string, first *eventlog.Position, reached eventlog.Position, fn func(projections.Writes) error) error {
	p, err := s.projection(name)
	if err != nil {
		return err
	}
	g, release, err := p.Acquire()
	if err != nil {
		return err
	}
	err = s.update(ctx, g, name, first, reached, true, fn)
	release()
	if sqlState(err) == generationChanged || dropped(err) {
		// Another process promoted (and may have dropped g already): serve what it
		// built. Nothing was written here.
		if _, rerr := s.refresh(ctx, p); rerr != nil {
			err = errors.Join(err, rerr)
		}
		return fmt.Errorf("update %s to %s: %w: %w: %w", name, reached, ErrGenerationChanged, projections.ErrOvertaken, err)
	}
	return err
}

// Checkpoint is the position the serving generation of projection has applied up to.
// It reads the manifest, not this process's pointer, so a promote by another process
// is seen at once.
func (s *Store) Checkpoint(ctx context.Context, name string) (eventlog.Position, error) {
	if _, err := s.projection(name); err != nil {
		return eventlog.Start, err
	}
	if s.closed.Load() {
		return eventlog.Start, ErrClosed
	}
	return s.checkpoint(ctx, name, `SELECT c.commit_pos, c.prepare_pos FROM `+s.base+`.generations g
		JOIN `+s.base+`.checkpoints c ON c.projection = g.projection AND c.generation = g.serving
		WHERE g.projection = $1`, name)
}

func (s *Store) checkpoint(ctx context.Context, name, query string, args ...any) (eventlog.Position, error) {
	var commit, prepare int64
	err := s.pool.QueryRow(ctx, query, args...).Scan(&commit, &prepare)
	if errors.Is(err, pgx.ErrNoRows) {
		return eventlog.Start, nil
	}
	if err != nil {
		return eventlog.Start, fmt.Errorf("checkpoint of %s: %w", name, err)
	}
	return eventlog.Position{Commit: uint64(commit), Prepare: uint64(prepare)}, nil
}

// update runs fn on a buffering Tx of generation g, then sends its writes and the
// checkpoint as one batch. A batch without BEGIN runs as one implicit transaction on
// the server: every statement commits, or (on the first error) none does. If fn fails,
// nothing is sent at all. serving says g is the serving generation, whose manifest row
// the batch locks first (see lock_serving); first, when set, is the runner's batch's
// first event, which claim_batch checks next.
func (s *Store) update(ctx context.Context, g *generation, name string, first *eventlog.Position, reached eventlog.Position, serving bool, fn func(projections.Writes) error) error {
	commit, err := positionArg(reached.Commit)
	if err != nil {
		return fmt.Errorf("update %s: %w", name, err)
	}
	prepare, err := positionArg(reached.Prepare)
	if err != nil {
		return fmt.Errorf("update %s: %w", name, err)
	}
	t := &tx{projection: name, store: s, gen: g}
	if err := fn(t.writes()); err != nil {
		return fmt.Errorf("update %s to %s: %w", name, reached, err)
	}
	b := &pgx.Batch{}
	if serving {
		b.Queue(`SELECT `+s.base+`.lock_serving($1, $2)`, name, g.number)
	}
	if first != nil {
		fc, err := positionArg(first.Commit)
		if err != nil {
			return fmt.Errorf("update %s: %w", name, err)
		}
		fp, err := positionArg(first.Prepare)
		if err != nil {
			return fmt.Errorf("update %s: %w", name, err)
		}
		b.Queue(`SELECT `+s.base+`.claim_batch($1, $2, $3, $4)`, name, g.number, fc, fp)
	}
	if err := t.flush(b); err != nil {
		return fmt.Errorf("update %s to %s: %w", name, reached, err)
	}
	b.Queue(`INSERT INTO `+s.base+`.checkpoints (projection, generation, commit_pos, prepare_pos) VALUES ($1, $2, $3, $4)
		ON CONFLICT (projection, generation) DO UPDATE SET commit_pos = excluded.commit_pos, prepare_pos = excluded.prepare_pos
		WHERE (checkpoints.commit_pos, checkpoints.prepare_pos) < (excluded.commit_pos, excluded.prepare_pos)`,
		name, g.number, commit, prepare)
	if err := s.pool.SendBatch(ctx, b).Close(); err != nil {
		return fmt.Errorf("update %s to %s: commit: %w", name, reached, err)
	}
	return nil
}
