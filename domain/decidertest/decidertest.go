// Package decidertest runs given/when/then specifications against a decider.
package decidertest

import (
	"errors"
	"fmt"
	"reflect"
	"testing"

	"github.com/chance-video/chance/domain"
)

// Spec is one rule: given past events, when a command, then these events or this error.
type Spec[C any] struct {
	Name    string
	Given   []domain.Event
	When    C
	Then    []domain.Event // nil with no WantErr means "decides nothing" (an idempotent no-op)
	WantErr error          // matched with errors.Is
}

// Run checks each spec as a subtest. Events are compared by value, so a spec fails on
// any field that differs.
func Run[S, C any](t *testing.T, d domain.Decider[S, C], specs []Spec[C]) {
	t.Helper()
	for _, s := range specs {
		t.Run(s.Name, func(t *testing.T) {
			state := d.Fold(s.Given)
			got, err := d.Decide(s.When, state)
			defer checkShareable(t, d, s, state, got, err)
			if s.WantErr != nil {
				if !errors.Is(err, s.WantErr) {
					t.Fatalf("error = %v, want %v", err, s.WantErr)
				}
				if len(got) != 0 {
					t.Fatalf("decided %d events along with an error", len(got))
				}
				return
			}
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if len(got) == 0 && len(s.Then) == 0 {
				return
			}
			if !reflect.DeepEqual(got, s.Then) {
				t.Fatalf("events differ\n got: %#v\nwant: %#v", got, s.Then)
			}
		})
	}
}

// checkShareable checks what the command service relies on to cache states: Evolve
// leaves the state it is given as it was (the spec's events are applied to it one by
// one, as a retried command would), and the state's snapshot (domain.AppendState) decides
// the spec's command as the state itself does.
func checkShareable[S, C any](t *testing.T, d domain.Decider[S, C], s Spec[C], state S, decided []domain.Event, decideErr error) {
	t.Helper()
	if t.Failed() {
		return
	}
	pristine := d.Fold(s.Given)
	for _, e := range append(append([]domain.Event(nil), s.Given...), decided...) {
		_ = d.Evolve(state, e)
	}
	if !reflect.DeepEqual(state, pristine) {
		t.Fatalf("Evolve changed the state it was given\n got: %#v\nwant: %#v", state, pristine)
	}
	data, err := domain.AppendState(nil, state)
	if err != nil {
		t.Fatalf("snapshot: %v", err)
	}
	restored, err := domain.ReadState[S](data)
	if err != nil {
		t.Fatalf("snapshot %q: %v", data, err)
	}
	again, err := d.Decide(s.When, restored)
	if fmt.Sprint(err) != fmt.Sprint(decideErr) || !reflect.DeepEqual(again, decided) {
		t.Fatalf("the snapshot decides otherwise: %#v, %v; the state: %#v, %v", again, err, decided, decideErr)
	}
}
