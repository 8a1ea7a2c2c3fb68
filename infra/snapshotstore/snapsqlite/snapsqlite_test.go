package snapsqlite_test

import (
	"path/filepath"
	"testing"

	"github.com/chance-video/chance/commands"
	"github.com/chance-video/chance/infra/snapshotstore/snapshottest"
	"github.com/chance-video/chance/infra/snapshotstore/snapsqlite"
)

func TestContract(t *testing.T) {
	snapshottest.Run(t, func(t *testing.T) commands.Snapshots {
		s, err := snapsqlite.Open(filepath.Join(t.TempDir(), "snapshots.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	})
}
