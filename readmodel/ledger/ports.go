package ledger

import "context"

// Writes is what the projector does to the billing history, inside the runner's
// transaction: the only method a ledger transaction has.
type Writes interface {
	// AddEntry records a line; a second entry with the same event id is ignored.
	AddEntry(ctx context.Context, e Entry) error
	// Applied records that an account stream's events up to revision are applied; a
	// lower revision than the one recorded changes nothing (a redelivery).
	Applied(ctx context.Context, stream string, revision uint64) error
}

// Reads is what queries (and the audit) ask of the billing history.
type Reads interface {
	// Ledger returns billing history in log order (oldest first), at most q.Limit lines
	// (all of them for a Limit of zero or less).
	Ledger(ctx context.Context, q Query) ([]Entry, error)
	// AppliedRevision is the highest revision of an account stream applied; false if
	// none was.
	AppliedRevision(ctx context.Context, stream string) (uint64, bool, error)
}
