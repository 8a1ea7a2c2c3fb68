package projections

import (
	"context"
	"errors"

	"github.com/chance-video/chance/eventlog"
)

// Errors every read store returns for the same misuse, whatever its engine.
var (
	// ErrUnknownProjection: a projection name the store has no tables for.
	ErrUnknownProjection = errors.New("unknown projection")
	// ErrWrongProjection: a transaction opened for one projection was used as another's.
	ErrWrongProjection = errors.New("method of another projection")
	// ErrRebuildInProgress: Shadow while another build of the projection is neither
	// promoted nor discarded.
	ErrRebuildInProgress = errors.New("projection already being rebuilt")
	// ErrShadowDone: a Shadow used after its Promote or Discard.
	ErrShadowDone = errors.New("shadow already promoted or discarded")
	// ErrOvertaken: an update that wrote nothing because another process updated the
	// projection first (it applied the batch's events, or promoted a rebuild). The
	// runner goes on from the projection's Checkpoint.
	ErrOvertaken = errors.New("another process updated the projection first")
)

// Store keeps projections' rows and checkpoints.
type Store interface {
	// Checkpoint is the position a projection has applied up to (Start if none).
	Checkpoint(ctx context.Context, projection string) (eventlog.Position, error)
	// Update runs fn in one transaction on the projection's tables and records
	// reached as its checkpoint in that same transaction.
	// fn gets the projection's own write port (see Writes).
	Update(ctx context.Context, projection string, reached eventlog.Position, fn func(Writes) error) error
}

// Shared stores are followed by the runners of several processes at once (PostgreSQL):
// every runner gets every batch of the log, and exactly one may apply it.
type Shared interface {
	Store
	// UpdateBatch is Update for a batch of the log whose first event for the projection
	// is at first. Under a lock on the checkpoint, it writes nothing and returns an error
	// matching ErrOvertaken when the checkpoint is already at or past first: another
	// process applied those events. A shared store's checkpoint never moves back.
	UpdateBatch(ctx context.Context, projection string, first, reached eventlog.Position, fn func(Writes) error) error
}

// Rebuildable stores can build a projection afresh beside the one serving queries.
type Rebuildable interface {
	Store
	// Shadow opens empty tables for a new build of projection. Queries keep reading
	// the current tables until Promote.
	Shadow(ctx context.Context, projection string) (Shadow, error)
}

// Shadow is a projection being rebuilt.
type Shadow interface {
	Store // Update and Checkpoint act on the shadow tables (the projection name is the same)
	// Promote makes the shadow tables the ones queries and the runner use, atomically.
	Promote(ctx context.Context) error
	// Discard drops the shadow tables; the serving tables were never touched.
	Discard(ctx context.Context) error
}

// Log is what projections need of the event store.
type Log interface {
	Subscribe(ctx context.Context, after eventlog.Position, handle func(ctx context.Context, batch []eventlog.Record) error) error
	Head(ctx context.Context) (eventlog.Position, error)
}
