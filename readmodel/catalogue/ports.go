package catalogue

import (
	"context"

	"github.com/google/uuid"
)

// Writes is what the projector does to the catalogue's rows (and search index), inside
// the runner's transaction: the only methods a catalogue transaction has.
type Writes interface {
	// Premiere reads a premiere as this transaction left it.
	Premiere(ctx context.Context, id uuid.UUID) (Premiere, bool, error)
	// PutPremiere replaces a premiere's card, and its place in the search index.
	PutPremiere(ctx context.Context, p Premiere) error
}

// Reads is what queries ask of the catalogue.
type Reads interface {
	// Search finds premieres on sale: Text matches word forms and parts of words in
	// titles, actors and descriptions, case- and ё/е-insensitively.
	Search(ctx context.Context, q SearchQuery) (SearchResult, error)
	Premiere(ctx context.Context, id uuid.UUID) (Premiere, bool, error)
	// Premieres returns the premieres with the given ids that exist, in no particular order.
	Premieres(ctx context.Context, ids []uuid.UUID) ([]Premiere, error)
}
