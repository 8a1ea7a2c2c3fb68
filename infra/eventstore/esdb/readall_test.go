package esdb

import (
	"testing"

	"github.com/chance-video/chance/eventlog"
)

// TestLongRunsOfSystemEvents: ReadAll and Head page past runs of system events far
// longer than one page, forwards and backwards.
func TestLongRunsOfSystemEvents(t *testing.T) {
	ctx := testContext(t)
	fake := startFake(t)
	s := openStore(t, fake.URL())
	fake.WriteSystemEvents(1500)
	a := mustAppend(t, ctx, s, "order-1", eventlog.NoStream, testEvents(1))
	fake.WriteSystemEvents(2500)
	b := mustAppend(t, ctx, s, "order-2", eventlog.NoStream, testEvents(1))
	fake.WriteSystemEvents(3000)

	for _, tc := range []struct {
		after eventlog.Position
		want  []eventlog.Position
	}{
		{eventlog.Start, []eventlog.Position{a.Position}},
		{a.Position, []eventlog.Position{b.Position}},
		{b.Position, nil},
	} {
		got, err := s.ReadAll(ctx, tc.after, 1)
		if err != nil {
			t.Fatalf("read all after %s: %v", tc.after, err)
		}
		if len(got) != len(tc.want) || (len(got) == 1 && got[0].Position != tc.want[0]) {
			t.Errorf("read all after %s: %v, want events at %v", tc.after, got, tc.want)
		}
	}
	if all := readEverything(t, ctx, s); len(all) != 2 {
		t.Errorf("the log reads as %d events, want 2", len(all))
	}
	if head, err := s.Head(ctx); err != nil || head != b.Position {
		t.Errorf("head %s (%v), want %s", head, err, b.Position)
	}
}
