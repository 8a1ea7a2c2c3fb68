package readpostgres

import (
	"context"

	"github.com/jackc/pgx/v5"
)

// tx is one Update. It sends nothing while the projector runs but the reads of rows it
// has not written: the read model's writes (see modelWrites) buffer every Put (the last
// one per key wins) and the whole Update goes to the server at commit as one pgx.Batch,
// one statement per table plus the checkpoint. The runner passes hundreds of events per
// Update during catch-up and replay, so this turns hundreds of round trips into one.
type tx struct {
	projection string
	store      *Store
	gen        *generation
	model      modelWrites // the read model's own write port, opened by writes
}

// queryRow reads a row the Tx has not written, from its generation. The read is not in
// the write transaction (there is none until commit). That is safe because a batch is
// applied by one Update at a time: in this process the runner has one follower per
// projection, and across processes a batch's claim (claim_batch, in the transaction)
// succeeds only if no other process has committed anything at or after its first
// event, so what was read is what the batch builds on. Keep the claim in the transaction.
func (t *tx) queryRow(ctx context.Context, query string, args ...any) pgx.Row {
	return t.store.pool.QueryRow(ctx, t.gen.sql(query), args...)
}

// writes opens what the projector of t's projection gets: its read model's own port.
func (t *tx) writes() modelWrites {
	m, _ := models.Get(t.projection) // the store updates only registered projections
	t.model = m.writes(t)
	return t.model
}

// flush queues the buffered writes on b, one statement per table that has any.
func (t *tx) flush(b *pgx.Batch) error { return t.model.flush(b) }
