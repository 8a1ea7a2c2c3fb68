package codec

import (
	"encoding/json"
	"fmt"
	"reflect"

	"github.com/chance-video/chance/domain"
)

// Schema is how one event type is stored: its payload type, and the mapping between
// the payload and the domain event both ways.
type Schema struct {
	name    string
	payload reflect.Type
	encode  func(domain.Event) (json.RawMessage, error)
	decode  func(json.RawMessage) (domain.Event, error)
}

// Stored declares that the event type E is stored as the payload P, under E's type name.
//
// WARNING: a payload type is stored data. Never rename its fields' JSON tags, change their
// types or drop a field: add a new event version (and an upcaster from the old one)
// instead. The golden payloads in testdata/ fail when a payload changes.
func Stored[E domain.Event, P any](toPayload func(E) P, toEvent func(P) E) Schema {
	var zero E
	return Schema{
		name:    zero.EventType(),
		payload: reflect.TypeFor[P](),
		encode: func(e domain.Event) (json.RawMessage, error) {
			event, ok := e.(E)
			if !ok {
				return nil, fmt.Errorf("%s is stored from %T, not %T", zero.EventType(), zero, e)
			}
			return json.Marshal(toPayload(event))
		},
		decode: func(data json.RawMessage) (domain.Event, error) {
			var p P
			if err := json.Unmarshal(data, &p); err != nil {
				return nil, err
			}
			return toEvent(p), nil
		},
	}
}

// mapSlice maps each element, keeping nil apart from empty (they encode as null and []).
func mapSlice[A, B any](in []A, f func(A) B) []B {
	if in == nil {
		return nil
	}
	out := make([]B, len(in))
	for i, a := range in {
		out[i] = f(a)
	}
	return out
}
