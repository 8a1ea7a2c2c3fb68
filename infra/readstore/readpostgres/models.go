package readpostgres

import (
	"github.com/jackc/pgx/v5"

	"github.com/chance-video/chance/infra/readstore/generations"
	"github.com/chance-video/chance/projections"
)

// A model is what the store knows of one read model, declared beside its SQL in the
// read model's own file (carts.go …): the store's shared machinery (generations,
// shadows, promote, checkpoints, buffered commits) works on any model by its name alone.
type model struct {
	name string // the read model's Name, imported from its package
	// layout is the DDL of its tables, run in each new generation's schema with the
	// schema first on the search path (tables named unqualified).
	layout string
	// writes opens the read model's write port on a transaction: the only methods its
	// projector gets.
	writes func(*tx) modelWrites
}

// modelWrites is a read model's write port on one Update: it buffers what the projector
// writes and queues it on the commit batch.
type modelWrites interface {
	projections.Writes
	// flush queues the buffered writes on b, one statement per table that has any.
	flush(b *pgx.Batch) error
}

// models holds every registered read model, by name.
var models generations.Registry[model]

// register adds a read model; each model file calls it once from a package variable.
func register(m model) model { return models.Add(m.name, m, m.layout != "" && m.writes != nil) }

// projectionNames lists the registered projections in a fixed order (for Open, Close
// and messages).
func projectionNames() []string { return models.Names() }
