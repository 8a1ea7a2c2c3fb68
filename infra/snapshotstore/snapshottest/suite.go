// Package snapshottest is the contract every commands.Snapshots adapter must pass:
//
//	func TestContract(t *testing.T) {
//		snapshottest.Run(t, func(t *testing.T) commands.Snapshots { … fresh store, t.Cleanup(close) … })
//	}
//
// Decisions it pins down: a stream without a snapshot is (false, nil); a snapshot reads
// back byte for byte; a later revision replaces an earlier one, an earlier one of the
// same version does not (two processes may race to save), and one of another version
// replaces whatever is stored (the decider changed: the old one is discarded).
package snapshottest

import (
	"bytes"
	"context"
	"testing"

	"github.com/chance-video/chance/commands"
)

// Run runs the contract against stores made by open, a fresh one per test.
func Run(t *testing.T, open func(t *testing.T) commands.Snapshots) {
	t.Run("missing", func(t *testing.T) {
		if _, found, err := open(t).Load(context.Background(), "account-1"); err != nil || found {
			t.Fatalf("load of a stream without snapshot: found %v, %v", found, err)
		}
	})
	t.Run("round trip", func(t *testing.T) {
		s := open(t)
		big := bytes.Repeat([]byte(`{"k":"0123456789abcdef"}`), 50_000) // > 1 MB
		save(t, s, commands.Snapshot{Stream: "account-1", Revision: 499, Version: 1, Data: big})
		save(t, s, commands.Snapshot{Stream: "account-2", Revision: 7, Version: 3, Data: []byte(`{}`)})
		want(t, s, commands.Snapshot{Stream: "account-1", Revision: 499, Version: 1, Data: big})
		want(t, s, commands.Snapshot{Stream: "account-2", Revision: 7, Version: 3, Data: []byte(`{}`)})
	})
	t.Run("later replaces earlier, not the other way", func(t *testing.T) {
		s := open(t)
		save(t, s, commands.Snapshot{Stream: "cart-1", Revision: 499, Version: 1, Data: []byte(`"a"`)})
		save(t, s, commands.Snapshot{Stream: "cart-1", Revision: 999, Version: 1, Data: []byte(`"b"`)})
		save(t, s, commands.Snapshot{Stream: "cart-1", Revision: 499, Version: 1, Data: []byte(`"c"`)})
		want(t, s, commands.Snapshot{Stream: "cart-1", Revision: 999, Version: 1, Data: []byte(`"b"`)})
	})
	t.Run("another version replaces any revision", func(t *testing.T) {
		s := open(t)
		save(t, s, commands.Snapshot{Stream: "user-1", Revision: 999, Version: 1, Data: []byte(`"old"`)})
		save(t, s, commands.Snapshot{Stream: "user-1", Revision: 10, Version: 2, Data: []byte(`"new"`)})
		want(t, s, commands.Snapshot{Stream: "user-1", Revision: 10, Version: 2, Data: []byte(`"new"`)})
	})
	t.Run("discard drops the snapshot at a revision, then an earlier one is saved", func(t *testing.T) {
		s := open(t)
		ctx := context.Background()
		save(t, s, commands.Snapshot{Stream: "account-9", Revision: 999, Version: 1, Data: []byte(`"lost"`)})
		if err := s.Discard(ctx, "account-9", 998); err != nil {
			t.Fatal(err)
		}
		want(t, s, commands.Snapshot{Stream: "account-9", Revision: 999, Version: 1, Data: []byte(`"lost"`)})
		if err := s.Discard(ctx, "account-9", 999); err != nil {
			t.Fatal(err)
		}
		if _, found, err := s.Load(ctx, "account-9"); err != nil || found {
			t.Fatalf("load after discard: found %v, %v", found, err)
		}
		if err := s.Discard(ctx, "account-9", 999); err != nil {
			t.Fatalf("discard of nothing: %v", err)
		}
		save(t, s, commands.Snapshot{Stream: "account-9", Revision: 99, Version: 1, Data: []byte(`"now"`)})
		want(t, s, commands.Snapshot{Stream: "account-9", Revision: 99, Version: 1, Data: []byte(`"now"`)})
	})
}

func save(t *testing.T, s commands.Snapshots, snap commands.Snapshot) {
	t.Helper()
	if err := s.Save(context.Background(), snap); err != nil {
		t.Fatalf("save %s@%d: %v", snap.Stream, snap.Revision, err)
	}
}

func want(t *testing.T, s commands.Snapshots, w commands.Snapshot) {
	t.Helper()
	got, found, err := s.Load(context.Background(), w.Stream)
	if err != nil || !found {
		t.Fatalf("load %s: found %v, %v", w.Stream, found, err)
	}
	if got.Stream != w.Stream || got.Revision != w.Revision || got.Version != w.Version || !bytes.Equal(got.Data, w.Data) {
		t.Fatalf("load %s: got %s@%d v%d (%d bytes), want @%d v%d (%d bytes)", w.Stream, got.Stream, got.Revision, got.Version, len(got.Data), w.Revision, w.Version, len(w.Data))
	}
}
