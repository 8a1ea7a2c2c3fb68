package generations

import (
	"fmt"
	"slices"

	"github.com/chance-video/chance/projections"
)

// Registry holds what one store adapter knows of each read model (its SQL, its write
// port), by the read model's Name. Each adapter's model file adds its read model once,
// from a package variable; the shared machinery then works on any read model by name.
type Registry[M any] struct {
	byName map[string]M
}

// Add registers m under name and returns it. A name added twice is a programming error
// and panics at start, as does an incomplete model (complete false).
func (r *Registry[M]) Add(name string, m M, complete bool) M {
	if _, dup := r.byName[name]; dup || name == "" || !complete {
		panic(fmt.Sprintf("read model %q registered twice, without a name or incomplete", name))
	}
	if r.byName == nil {
		r.byName = map[string]M{}
	}
	r.byName[name] = m
	return m
}

// Get returns the read model named name, or ErrUnknownProjection.
func (r *Registry[M]) Get(name string) (M, error) {
	m, ok := r.byName[name]
	if !ok {
		return m, fmt.Errorf("%w %q", projections.ErrUnknownProjection, name)
	}
	return m, nil
}

// Names lists the registered read models in a fixed order (for Open, Close and messages).
func (r *Registry[M]) Names() []string {
	names := make([]string, 0, len(r.byName))
	for name := range r.byName {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}
