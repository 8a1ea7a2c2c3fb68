package readstoretest

import (
	"testing"

	"github.com/chance-video/chance/eventlog"
)

// A follower's checkpoint is per name, absent until saved, never moves back, and
// survives a restart.
func testFollowerCheckpoints(t *testing.T, open func(t *testing.T) Store) {
	s := open(t)
	ctx := t.Context()
	load := func(s Store, name string) (eventlog.Position, bool) {
		t.Helper()
		pos, found, err := s.FollowerCheckpoint(ctx, name)
		if err != nil {
			t.Fatalf("checkpoint of %s: %v", name, err)
		}
		return pos, found
	}
	save := func(s Store, name string, commit uint64) {
		t.Helper()
		if err := s.SaveFollowerCheckpoint(ctx, name, eventlog.Position{Commit: commit, Prepare: commit}); err != nil {
			t.Fatalf("save %s at %d: %v", name, commit, err)
		}
	}
	if pos, found := load(s, "forwarder"); found || !pos.IsStart() {
		t.Fatalf("a checkpoint never saved reads %s, found %v", pos, found)
	}
	save(s, "forwarder", 10)
	save(s, "forwarder", 5) // a late writer: ignored
	save(s, "flow_recovery_v1", 3)
	if pos, found := load(s, "forwarder"); !found || pos.Commit != 10 {
		t.Fatalf("forwarder at %s (found %v), want 10: a checkpoint must never move back", pos, found)
	}
	save(s, "forwarder", 20)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = open(t)
	if pos, _ := load(s, "forwarder"); pos.Commit != 20 {
		t.Fatalf("forwarder at %s after a restart, want 20", pos)
	}
	if pos, _ := load(s, "flow_recovery_v1"); pos.Commit != 3 {
		t.Fatalf("recovery at %s after a restart, want 3", pos)
	}
}
