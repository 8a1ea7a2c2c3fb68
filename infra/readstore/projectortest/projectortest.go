// Package projectortest runs given/then specifications against a projector, on every
// read store: given these events, then the read model's queries answer this. Like
// domain/decidertest for deciders, with the stores as they run in the shop (the
// embedded SQLite store always; PostgreSQL when CHANCE_TEST_POSTGRES_URL is set).
//
// Each spec runs twice per store: all its events in one Update (as during catch-up and
// replay, where the PostgreSQL store buffers writes and must read them back), and one
// Update per event (as when the runner follows the live log).
package projectortest

import (
	"context"
	"fmt"
	"os"
	"reflect"
	"testing"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain"
	"github.com/chance-video/chance/eventlog"
	"github.com/chance-video/chance/infra/readstore/readpostgres"
	"github.com/chance-video/chance/infra/readstore/readpostgres/pgtest"
	"github.com/chance-video/chance/infra/readstore/readsqlite"
	"github.com/chance-video/chance/projections"
)

// Spec is one rule of a projector: given these events, Read (on the read model's
// Reads port R) answers Then.
type Spec[R any] struct {
	Name  string
	Given []domain.Event
	// Read asks the read model what the spec is about. It runs on a store that other
	// specs also wrote to: ask about the ids the spec's own events name.
	Read func(ctx context.Context, r R) (any, error)
	Then any // compared with reflect.DeepEqual; times read back in UTC
}

// EventID is the id the spec runner gives the i-th event (from 0) of a spec's Given,
// for rows that record the event they came from.
func EventID(spec string, i int) uuid.UUID {
	return uuid.NewSHA1(uuid.NameSpaceOID, fmt.Appendf(nil, "%s/%d", spec, i))
}

// store is a read store a spec runs on, and how many positions it has used.
type store struct {
	name string
	projections.Store
	next uint64
}

// Run checks each spec as a subtest, on every store, batched and per event. Each mode
// has a store of its own, which its specs share.
func Run[R any](t *testing.T, p projections.Projector, specs []Spec[R]) {
	t.Helper()
	for _, batched := range []bool{true, false} {
		mode := "per-event"
		if batched {
			mode = "batched"
		}
		for _, s := range stores(t) {
			t.Run(s.name+"/"+mode, func(t *testing.T) {
				reads, ok := s.Store.(R)
				if !ok {
					t.Fatalf("the %s store does not implement %T", s.name, (*R)(nil))
				}
				for _, spec := range specs {
					t.Run(spec.Name, func(t *testing.T) {
						given(t, s, p, spec.Name, spec.Given, batched)
						got, err := spec.Read(t.Context(), reads)
						if err != nil {
							t.Fatalf("read: %v", err)
						}
						if !reflect.DeepEqual(got, spec.Then) {
							t.Fatalf("rows differ\n got: %+v\nwant: %+v", got, spec.Then)
						}
					})
				}
			})
		}
	}
}

// given applies the events with p, as the runner would: each with its position, id
// and type, in one Update (batched) or one each.
func given(t *testing.T, s *store, p projections.Projector, spec string, events []domain.Event, batched bool) {
	t.Helper()
	ctx := t.Context()
	// Like the runner, the projector never sees the events it does not handle, but they
	// take their place in the log.
	records := make([]projections.Event, 0, len(events))
	for i, e := range events {
		s.next++
		if !p.Handles(e.EventType()) {
			continue
		}
		pos := eventlog.Position{Commit: s.next, Prepare: s.next}
		records = append(records, projections.Event{Record: eventlog.Record{EventData: eventlog.EventData{ID: EventID(spec, i), Type: e.EventType()}, Position: pos}, Event: e})
	}
	apply := func(batch []projections.Event) {
		if len(batch) == 0 {
			return
		}
		err := s.Update(ctx, p.Name(), batch[len(batch)-1].Position, func(w projections.Writes) error {
			for _, e := range batch {
				if err := p.Apply(ctx, w, e); err != nil {
					return fmt.Errorf("apply %s: %w", e.Type, err)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if batched {
		apply(records)
		return
	}
	for i := range records {
		apply(records[i : i+1])
	}
}

// stores opens the stores to run on, closed when the test ends.
func stores(t *testing.T) []*store {
	t.Helper()
	lite, err := readsqlite.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { lite.Close() })
	out := []*store{{name: "sqlite", Store: lite}}
	if os.Getenv(pgtest.URLVariable) == "" && os.Getenv(pgtest.RequireVariable) != "1" {
		t.Logf("%s is not set: the specs run on SQLite only", pgtest.URLVariable)
		return out
	}
	url := pgtest.URL(t)
	pg, err := readpostgres.Open(context.Background(), url, readpostgres.WithSchema(pgtest.Schema(t, url)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pg.Close() })
	return append(out, &store{name: "postgres", Store: pg})
}
