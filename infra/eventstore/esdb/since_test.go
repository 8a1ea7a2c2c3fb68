package esdb

import (
	"context"
	"testing"

	"github.com/chance-video/chance/eventlog"
)

// sinceView presents a real server's log as if it began at base. A real server cannot be
// emptied between the contract's subtests — its $all holds the events of earlier subtests
// and runs — while the contract expects a new, empty store each time. Only the reads of
// the whole log are shifted; appends and stream reads pass through, so the adapter under
// test is the real one.
type sinceView struct {
	*Store
	base eventlog.Position
}

// sinceOpened starts the view at the server's head when the store is opened.
func sinceOpened(t *testing.T, s *Store) eventlog.Store {
	t.Helper()
	base, err := s.Head(testContext(t))
	if err != nil {
		t.Fatalf("head of the real server: %v", err)
	}
	return sinceView{Store: s, base: base}
}

func (s sinceView) from(after eventlog.Position) eventlog.Position {
	if after.Less(s.base) {
		return s.base
	}
	return after
}

func (s sinceView) ReadAll(ctx context.Context, after eventlog.Position, limit int) ([]eventlog.Record, error) {
	return s.Store.ReadAll(ctx, s.from(after), limit)
}

func (s sinceView) Subscribe(ctx context.Context, after eventlog.Position, handle func(context.Context, []eventlog.Record) error) error {
	return s.Store.Subscribe(ctx, s.from(after), handle)
}

func (s sinceView) Head(ctx context.Context) (eventlog.Position, error) {
	head, err := s.Store.Head(ctx)
	if err == nil && !s.base.Less(head) {
		return eventlog.Start, nil
	}
	return head, err
}
