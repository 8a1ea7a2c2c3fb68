package readsqlite

import (
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"

	"github.com/chance-video/chance/infra/readstore/readstoretest"
	"github.com/chance-video/chance/readmodel/catalogue"
	"github.com/chance-video/chance/readmodel/ledger"
)

func TestContract(t *testing.T) {
	readstoretest.Run(t, func(t *testing.T) readstoretest.Store { return openIn(t, testDir(t)) })
}

// dirs gives each test one folder, so that opening again in the same test is a restart.
var dirs sync.Map // *testing.T → string

func testDir(t *testing.T) string {
	dir, _ := dirs.LoadOrStore(t, t.TempDir())
	return dir.(string)
}

// openIn opens a store in dir and closes it when the test ends.
func openIn(t testing.TB, dir string) *Store {
	t.Helper()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	return s
}

func files(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func TestOpenRemovesStrayGenerations(t *testing.T) {
	dir := t.TempDir()
	s := openIn(t, dir)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	// What a crash can leave: a shadow never promoted (with its WAL), an old generation
	// whose deletion after a promote was cut short, a half-written manifest.
	// Another version's files are not this build's to delete.
	shadow := generationFile(catalogue.Name, 2)
	strays := []string{shadow, shadow + "-wal", "ledger_v2.g7.db", manifestName + ".tmp-123"}
	foreign := []string{"catalogue_v0.g1.db", "notes.txt"}
	for _, name := range append(slices.Clone(strays), foreign...) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("junk"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	s = openIn(t, dir)
	left := files(t, dir)
	for _, name := range strays {
		if slices.Contains(left, name) {
			t.Errorf("%s was not deleted", name)
		}
	}
	for _, name := range append(foreign, generationFile(catalogue.Name, 1), "ledger_v2.g1.db", manifestName, inboxFile) {
		if !slices.Contains(left, name) {
			t.Errorf("%s is gone", name)
		}
	}
	// New generations number past any seen, so a stray that could not be deleted is never reused.
	sh, err := s.Shadow(t.Context(), ledger.Name)
	if err != nil {
		t.Fatal(err)
	}
	if next := generationFile(ledger.Name, 8); !slices.Contains(files(t, dir), next) {
		t.Errorf("the next ledger generation is not %s: %v", next, files(t, dir))
	}
	if err := sh.Discard(t.Context()); err != nil {
		t.Fatal(err)
	}
}
