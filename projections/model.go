package projections

import (
	"context"
	"fmt"

	"github.com/chance-video/chance/domain"
	"github.com/chance-video/chance/eventlog"
)

// Writes is a read-store transaction opened for one projection. Its dynamic type is
// the store's implementation of that read model's own write port (carts.Writes for
// carts_v1 …) and has no method of any other read model: a projector can only write
// its own rows, by construction.
type Writes any

// Model binds a read model's projector to the runner. W is the read model's write
// port; Project gets the transaction already as a W.
type Model[W any] struct {
	name    string
	handles handles
	project func(ctx context.Context, w W, e Event) error
}

// NewModel declares a read model's projection: its versioned name (declared once, in
// the read model's package), the function that applies one event, and the events it
// handles (others are not even decoded).
func NewModel[W any](name string, project func(ctx context.Context, w W, e Event) error, events ...domain.Event) Model[W] {
	return Model[W]{name: name, handles: handlesOf(events...), project: project}
}

func (m Model[W]) Name() string                  { return m.name }
func (m Model[W]) Handles(eventType string) bool { return m.handles.Handles(eventType) }

// Apply hands the event to the read model's projector with the store's transaction as
// the read model's port.
func (m Model[W]) Apply(ctx context.Context, tx Writes, e Event) error {
	w, err := As[W](m.name, tx)
	if err != nil {
		return err
	}
	return m.project(ctx, w, e)
}

// As is the transaction a store opened for projection, as the port W. It fails (with
// ErrWrongProjection) when the store opened it for another read model.
func As[W any](projection string, tx Writes) (W, error) {
	w, ok := tx.(W)
	if !ok {
		var zero W
		return zero, fmt.Errorf("%w: %s needs %T, the store gave %T", ErrWrongProjection, projection, (*W)(nil), tx)
	}
	return w, nil
}

// Update runs fn on projection's rows through its port W, in one transaction that
// records reached as its checkpoint (for tests, tools and benchmarks that write rows
// without a projector).
func Update[W any](ctx context.Context, s Store, projection string, reached eventlog.Position, fn func(W) error) error {
	return s.Update(ctx, projection, reached, func(tx Writes) error {
		w, err := As[W](projection, tx)
		if err != nil {
			return err
		}
		return fn(w)
	})
}
