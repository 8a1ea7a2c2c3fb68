package snapsqlite_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
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

// A snapshot file cut short fails the open naming it and saying it may be deleted.
func TestOpenOfATruncatedFileSaysItIsACache(t *testing.T) {
	path := filepath.Join(t.TempDir(), "snapshots.db")
	s, err := snapsqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 200 {
		if err := s.Save(context.Background(), commands.Snapshot{Stream: fmt.Sprintf("account-%d", i), Revision: 1, Version: 1,
			Data: bytes.Repeat([]byte("x"), 500)}); err != nil {
			t.Fatal(err)
		}
	}
	s.Close()
	for _, suffix := range []string{"-wal", "-shm"} {
		_ = os.Remove(path + suffix)
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(path, info.Size()/2); err != nil {
		t.Fatal(err)
	}
	if s, err = snapsqlite.Open(path); err == nil {
		s.Close()
		t.Fatal("a snapshot file cut in half opened")
	}
	if !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "delete this file") {
		t.Errorf("error %q does not name the file or say it may be deleted", err)
	}
}
