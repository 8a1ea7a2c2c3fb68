package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A read-model file of a real data folder cut short stops the start with exit status 1
// and a message naming the file and what to do, never a panic.
func TestServeOnATruncatedReadModelExitsNamingTheFile(t *testing.T) {
	dir := t.TempDir()
	startServer(t, dir).stop(t)
	matches, err := filepath.Glob(filepath.Join(dir, "read", "catalogue_v*.g*.db"))
	if err != nil || len(matches) != 1 {
		t.Fatalf("the catalogue's read-model file: %v %v", matches, err)
	}
	path := matches[0]
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(path, info.Size()/3); err != nil {
		t.Fatal(err)
	}
	_, stderr, status := runChance(t, dir, "serve")
	if status != 1 || strings.Contains(stderr, "panic") || !strings.Contains(stderr, path) ||
		!strings.Contains(stderr, "move it away and start again to rebuild it from the log") {
		t.Fatalf("serve on %s cut to a third: status %d, stderr:\n%s", path, status, stderr)
	}
}
