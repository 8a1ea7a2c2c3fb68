package audit

import (
	"context"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain/money"
	"github.com/chance-video/chance/eventlog"
	"github.com/chance-video/chance/readmodel/accounts"
	"github.com/chance-video/chance/readmodel/ledger"
)

// Log is what an audit reads of the event store.
type Log interface {
	ReadAll(ctx context.Context, after eventlog.Position, limit int) ([]eventlog.Record, error)
	Head(ctx context.Context) (eventlog.Position, error)
}

// Reads is what an audit checks of the read models; every read store implements it.
type Reads interface {
	Balance(ctx context.Context, user uuid.UUID) (money.Kopecks, error)
	Payment(ctx context.Context, id uuid.UUID) (accounts.Payment, bool, error)
	// Ledger returns billing history in log order, at most q.Limit lines.
	Ledger(ctx context.Context, q ledger.Query) ([]ledger.Entry, error)
	// AppliedRevision is the highest revision of an account stream the billing history
	// has applied; false if none.
	AppliedRevision(ctx context.Context, stream string) (uint64, bool, error)
	// Checkpoint is how far a projection has applied the log.
	Checkpoint(ctx context.Context, projection string) (eventlog.Position, error)
}
