// Package codec turns domain events into stored payloads and back. Every event type is
// registered under its explicit, versioned name with a payload type of its own (the
// schema files beside this one), so a domain event can change without changing what is
// stored; an old version is upcast to the current one on read, so stored events are
// never rewritten.
//
// Adding an event type: the domain event, its payload type and Stored line in the
// aggregate's file here, an expected value in golden_values_test.go, and the golden
// payload testdata/<type>.json, written once from the encoder (the golden test prints
// it while the file is missing). A new version of a type: a new payload type under the
// new name, an Upcaster from the old name, and the old golden file moved to
// testdata/older/, where it must still decode (through the upcaster).
package codec

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sort"

	"github.com/chance-video/chance/domain"
)

// Upcaster rewrites an old payload into the shape of a newer event type.
type Upcaster struct {
	From, To string // event type names, e.g. "rental.rented.v0" → "rental.rented.v1"
	Upcast   func(old json.RawMessage) (json.RawMessage, error)
}

// Codec encodes and decodes registered events.
type Codec struct {
	schemas   map[string]Schema
	upcasters map[string]Upcaster
}

// New registers the given schemas (one per event type) and upcasters.
func New(schemas []Schema, upcasters ...Upcaster) (*Codec, error) {
	c := &Codec{schemas: map[string]Schema{}, upcasters: map[string]Upcaster{}}
	for _, s := range schemas {
		if _, dup := c.schemas[s.name]; dup {
			return nil, fmt.Errorf("codec: event type %q registered twice", s.name)
		}
		c.schemas[s.name] = s
	}
	for _, u := range upcasters {
		if _, known := c.schemas[u.From]; known {
			return nil, fmt.Errorf("codec: %q is a current event type and cannot be upcast", u.From)
		}
		c.upcasters[u.From] = u
	}
	return c, nil
}

// Encode returns an event's type name and JSON payload.
func (c *Codec) Encode(e domain.Event) (string, json.RawMessage, error) {
	name := e.EventType()
	s, ok := c.schemas[name]
	if !ok {
		return "", nil, fmt.Errorf("codec: event type %q is not registered", name)
	}
	data, err := s.encode(e)
	if err != nil {
		return "", nil, fmt.Errorf("codec: encode %s: %w", name, err)
	}
	return name, data, nil
}

// Decode rebuilds an event from its stored type name and payload, upcasting old versions.
func (c *Codec) Decode(name string, data json.RawMessage) (domain.Event, error) {
	for hops := 0; ; hops++ {
		u, old := c.upcasters[name]
		if !old {
			break
		}
		if hops > len(c.upcasters) {
			return nil, fmt.Errorf("codec: upcasters loop at %q", name)
		}
		upcast, err := u.Upcast(data)
		if err != nil {
			return nil, fmt.Errorf("codec: upcast %s to %s: %w", u.From, u.To, err)
		}
		name, data = u.To, upcast
	}
	s, ok := c.schemas[name]
	if !ok {
		return nil, fmt.Errorf("codec: unknown event type %q", name)
	}
	e, err := s.decode(data)
	if err != nil {
		return nil, fmt.Errorf("codec: decode %s: %w", name, err)
	}
	return e, nil
}

// Knows reports whether name is a current or upcast event type.
func (c *Codec) Knows(name string) bool {
	_, old := c.upcasters[name]
	return c.current(name) || old
}

// names lists the current event types, sorted.
func (c *Codec) names() []string {
	names := make([]string, 0, len(c.schemas))
	for name := range c.schemas {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// current reports whether name is an event type written today (not an upcast one).
func (c *Codec) current(name string) bool {
	_, ok := c.schemas[name]
	return ok
}

// payloadType is the Go type a current event type's payload is stored as.
func (c *Codec) payloadType(name string) reflect.Type { return c.schemas[name].payload }
