package readsqlite

import (
	"github.com/chance-video/chance/infra/readstore/generations"
	"github.com/chance-video/chance/projections"
)

// A model is what the store knows of one read model, declared beside its SQL in the
// read model's own file (carts.go …): the store's shared machinery (generations,
// shadows, promote, checkpoints) works on any model by its name alone.
type model struct {
	name string // the read model's Name, imported from its package
	// schema creates its tables in a new generation file (the checkpoint table is added).
	schema []string
	// statements are prepared when a generation file opens.
	statements []string
	// writes wraps a transaction as the read model's write port: the only methods its
	// projector gets.
	writes func(*tx) projections.Writes
	// textIndexes are its FTS5 tables, kept merged (textindex.go).
	textIndexes []string
}

// models holds every registered read model, by name.
var models generations.Registry[model]

// register adds a read model; each model file calls it once from a package variable.
func register(m model) model { return models.Add(m.name, m, len(m.schema) > 0 && m.writes != nil) }

// projectionNames lists the registered projections in a fixed order (for Open, Close
// and messages).
func projectionNames() []string { return models.Names() }

// modelOf returns a registered read model; the store knows only those projections.
func modelOf(projection string) model {
	m, _ := models.Get(projection)
	return m
}

// writesOf is what a projector of projection gets for t.
func writesOf(projection string, t *tx) projections.Writes { return modelOf(projection).writes(t) }
