package eventsqlite

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chance-video/chance/eventlog"
)

// A log file cut short fails the open with an error naming it and saying that only a
// backup brings it back, never a panic (the failed open used to close a nil store).
func TestOpenOfATruncatedLogNamesIt(t *testing.T) {
	path := filepath.Join(t.TempDir(), "events.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 50 {
		mustAppend(t, s, "test-"+string(rune('a'+i%26)), eventlog.Any, testEvents(20))
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	for _, suffix := range []string{"-wal", "-shm"} {
		_ = os.Remove(path + suffix) // closed: the log is all in the main file
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(path, info.Size()/2); err != nil {
		t.Fatal(err)
	}
	s, err = Open(path)
	if err == nil {
		s.Close()
		t.Fatalf("a log cut from %d to %d bytes opened", info.Size(), info.Size()/2)
	}
	if !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "restore the data folder from a backup") {
		t.Errorf("error %q does not name %s or say what to do", err, path)
	}
}
