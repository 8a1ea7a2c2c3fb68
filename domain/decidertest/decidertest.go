// Package decidertest runs given/when/then specifications against a decider.
package decidertest

import (
	"errors"
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
			got, err := d.Decide(s.When, d.Fold(s.Given))
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
