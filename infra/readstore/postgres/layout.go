package postgres

import (
	"embed"
	"fmt"

	"github.com/chance-video/chance/projections"
)

// Projection names. A name carries its version: a projection whose rows change shape
// gets a new name and is rebuilt from the log, never migrated in place.
const (
	Catalogue = "catalogue_v1"
)

// The read models not yet in their own folder: their layouts are files.
var (
	_ = register(model{name: Catalogue})
)

// A layout is the DDL of one projection's tables, layouts/<projection>.sql, run in each
// new generation's schema. layoutVersion changes only when this adapter lays out the
// same rows differently (an index, a column type). Open refuses a serving generation of
// another layout rather than query tables it does not know; a new version of a projection
// (a new name) is the way to change rows without that stop.
const layoutVersion = 1

//go:embed layouts/*.sql
var layoutFiles embed.FS

// layout returns the DDL of projection's tables.
func layout(projection string) (string, error) {
	if m, ok := models[projection]; ok && m.layout != "" {
		return m.layout, nil
	}
	b, err := layoutFiles.ReadFile("layouts/" + projection + ".sql")
	if err != nil {
		return "", fmt.Errorf("%w %q: no layout", projections.ErrUnknownProjection, projection)
	}
	return string(b), nil
}
