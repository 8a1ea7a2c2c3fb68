package checkpoints_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/chance-video/chance/eventlog"
	"github.com/chance-video/chance/infra/checkpoints"
	"github.com/chance-video/chance/infra/readstore/readsqlite"
)

// On the first start after the upgrade, a follower the store does not know takes its
// old file's position, once: later the store's own checkpoint rules, and a follower
// without a file starts at the start.
func TestStoredTakesOverTheOldFileOnce(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	files := checkpoints.Files{Dir: filepath.Join(dir, "checkpoints")}
	if err := files.Save(ctx, "forwarder", eventlog.Position{Commit: 42, Prepare: 42}); err != nil {
		t.Fatal(err)
	}
	store, err := readsqlite.Open(filepath.Join(dir, "read"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	stored := checkpoints.Stored{Store: store, Legacy: files}
	if pos, err := stored.Load(ctx, "forwarder"); err != nil || pos.Commit != 42 {
		t.Fatalf("first load: %s, %v; want the file's 42", pos, err)
	}
	if err := stored.Save(ctx, "forwarder", eventlog.Position{Commit: 50, Prepare: 50}); err != nil {
		t.Fatal(err)
	}
	// The file is no longer read, even if it changed (an old binary ran once more).
	if err := os.RemoveAll(files.Dir); err != nil {
		t.Fatal(err)
	}
	if pos, err := stored.Load(ctx, "forwarder"); err != nil || pos.Commit != 50 {
		t.Fatalf("later load: %s, %v; want the store's 50", pos, err)
	}
	if pos, err := stored.Load(ctx, "flow_recovery_v1"); err != nil || !pos.IsStart() {
		t.Fatalf("a follower without file or record: %s, %v; want the start", pos, err)
	}
}
