package readsqlite

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A backup names the generations it copied and refuses a folder holding a file it does
// not know, rather than leave it out.
func TestBackupCopiesServingGenerationsAndRefusesUnknownFiles(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	dest := filepath.Join(t.TempDir(), "read")
	if err := s.BackupTo(t.Context(), dest); err != nil {
		t.Fatal(err)
	}
	m, err := readManifest(dest)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range projectionNames() {
		if _, err := os.Stat(filepath.Join(dest, generationFile(name, m.Generations[name]))); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	for _, name := range []string{inboxFile, deadLettersFile, sentFile} {
		if _, err := os.Stat(filepath.Join(dest, name)); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	copied, err := Open(dest)
	if err != nil {
		t.Fatalf("the copy does not open as a read store: %v", err)
	}
	copied.Close()

	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := s.BackupTo(t.Context(), filepath.Join(t.TempDir(), "read")); err == nil || !strings.Contains(err.Error(), "notes.txt") {
		t.Fatalf("a backup of a folder with an unknown file: %v", err)
	}
}
