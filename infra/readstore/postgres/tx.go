package postgres

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/chance-video/chance/projections"
	"github.com/chance-video/chance/readmodel"
)

// tx is one Update. It sends nothing while the projector runs but
// the reads of rows it has not written: every Put is buffered (the last one per key
// wins) and the whole Update goes to the server at commit as one pgx.Batch, one
// statement per table plus the checkpoint. The runner passes hundreds of events per
// Update during catch-up and replay, so this turns hundreds of round trips into one.
type tx struct {
	projection string
	store      *Store
	gen        *generation
	// misuse is the first call of another projection's method. The Update fails with it
	// even if fn swallowed the error: a projector writing another's rows is a bug to see.
	misuse error
	// model is the read model's own write port, for a read model in its own folder.
	model modelWrites

	premieres buffer[uuid.UUID, readmodel.Premiere]
}

var _ projections.Tx = (*tx)(nil)

// allow checks that method belongs to the projection the transaction was opened for.
func (t *tx) allow(owner, method string) error {
	if t.projection == owner {
		return nil
	}
	err := fmt.Errorf("%w: %s belongs to %s, not to %s", projections.ErrWrongProjection, method, owner, t.projection)
	if t.misuse == nil {
		t.misuse = err
	}
	return err
}

// queryRow reads a row the Tx has not written, from its generation. The read is not in
// the write transaction (there is none until commit), which is safe because only this
// Update writes the generation: one projector per projection.
func (t *tx) queryRow(ctx context.Context, query string, args ...any) pgx.Row {
	return t.store.pool.QueryRow(ctx, t.gen.sql(query), args...)
}

// writes is what the projector of t's projection gets: its read model's own port, or,
// for a read model not yet in its own folder, t itself.
func (t *tx) writes() projections.Writes {
	if m := models[t.projection]; m.writes != nil {
		t.model = m.writes(t)
		return t.model
	}
	return t
}

// flush queues the buffered writes on b, one statement per table that has any.
func (t *tx) flush(b *pgx.Batch) error {
	if t.model != nil {
		return t.model.flush(b)
	}
	for _, f := range []func(*pgx.Batch) error{
		t.flushPremieres,
	} {
		if err := f(b); err != nil {
			return err
		}
	}
	return nil
}
