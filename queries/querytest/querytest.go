// Package querytest gives a read model's query tests a real read store, the embedded
// SQLite one, whose rows they write through the read model's Writes port as its
// projector would (no mocks of stores), and the check of the errors customers see.
package querytest

import (
	"context"
	"errors"
	"testing"

	"github.com/chance-video/chance/domain"
	"github.com/chance-video/chance/eventlog"
	"github.com/chance-video/chance/infra/readstore/readsqlite"
	"github.com/chance-video/chance/projections"
)

// Store is an embedded read store, closed when the test ends.
type Store struct {
	*readsqlite.Store
	t    testing.TB
	next uint64 // the last position written
}

// Open opens an empty store in the test's temporary directory.
func Open(t testing.TB) *Store {
	t.Helper()
	store, err := readsqlite.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	return &Store{Store: store, t: t}
}

// Write writes rows of the read model named projection through its own Writes port W,
// in one transaction at the next log position, as its projector would.
func Write[W any](s *Store, projection string, fn func(w W) error) {
	s.t.Helper()
	s.next++
	pos := eventlog.Position{Commit: s.next, Prepare: s.next}
	if err := projections.Update(context.Background(), s.Store, projection, pos, fn); err != nil {
		s.t.Fatal(err)
	}
}

// WantKind fails the test unless err is of kind (domain.ErrInvalid, ErrNotFound …) and
// carries a detail a customer can read.
func WantKind(t testing.TB, err, kind error) {
	t.Helper()
	if !errors.Is(err, kind) {
		t.Fatalf("error = %v, want %v", err, kind)
	}
	var d *domain.Error
	if !errors.As(err, &d) || d.Detail == "" {
		t.Fatalf("error %v has no customer-readable detail", err)
	}
}
