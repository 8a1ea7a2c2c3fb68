package projections

import (
	"context"

	"github.com/chance-video/chance/domain"
	"github.com/chance-video/chance/eventlog"
)

// Event is a stored event with its decoded payload.
type Event struct {
	eventlog.Record
	Event domain.Event
}

// Projector applies events to one read model.
//
// A read model declares its projector with NewModel, in its own package
// (readmodel/<name>), which also declares the Name.
//
// WARNING: Name is stored with the checkpoint and names the tables. Change the
// version in it (catalogue_v1 → catalogue_v2) whenever Apply changes what it writes:
// a new version is rebuilt from position zero, never migrated.
type Projector interface {
	Name() string
	// Handles reports whether the projector cares about an event type; others are
	// not even decoded.
	Handles(eventType string) bool
	// Apply writes what one event changes. It runs in the runner's transaction.
	Apply(ctx context.Context, tx Writes, e Event) error
}

// handles is a set of event types, for Projector.Handles.
type handles map[string]bool

func handlesOf(events ...domain.Event) handles {
	h := handles{}
	for _, e := range events {
		h[e.EventType()] = true
	}
	return h
}

func (h handles) Handles(eventType string) bool { return h[eventType] }
