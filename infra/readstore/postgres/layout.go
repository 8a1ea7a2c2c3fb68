package postgres

import (
	"fmt"

	"github.com/chance-video/chance/projections"
)

// A layout is the DDL of one projection's tables, declared with its read model (see
// model.layout), run in each new generation's schema. layoutVersion changes only when
// this adapter lays out the same rows differently (an index, a column type) in a way
// that every read model shares; Open refuses a serving generation of another layout
// rather than query tables it does not know. A read model's own change of rows is a new
// version of its Name, rebuilt from the log: the one versioning scheme of read models.
const layoutVersion = 1

// layout returns the DDL of projection's tables.
func layout(projection string) (string, error) {
	m, ok := models[projection]
	if !ok || m.layout == "" {
		return "", fmt.Errorf("%w %q: no layout", projections.ErrUnknownProjection, projection)
	}
	return m.layout, nil
}
