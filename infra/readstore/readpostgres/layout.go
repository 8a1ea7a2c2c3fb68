package readpostgres

import "fmt"

// A layout is the DDL of one projection's tables, declared with its read model (see
// model.layout), run in each new generation's schema. layoutVersion, recorded with each
// serving generation, marks the tables as this adapter's: Open refuses a serving
// generation of another layout rather than query tables it does not know.
//
// WARNING: it is not how a read model changes. A read model's tables, even just an index
// of them, change with a new version of its Name (readmodel/<name>), which builds a fresh
// projection from the log: the one versioning scheme of read models. Bump this only if
// what every generation shares changes, and then every generation must be rebuilt.
const layoutVersion = 1

// layout returns the DDL of projection's tables.
func layout(projection string) (string, error) {
	m, err := models.Get(projection)
	if err != nil {
		return "", fmt.Errorf("%w: no layout", err)
	}
	return m.layout, nil
}
