package readsqlite

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chance-video/chance/readmodel/catalogue"
)

// A read-model file cut short (a full disk, a copy stopped half way) fails the open
// with an error naming the file, never a panic; a projection's file says it can be
// rebuilt from the log. The other files fail the same way, named.
func TestOpenOfATruncatedFileNamesIt(t *testing.T) {
	for _, tc := range []struct {
		file, want string
	}{
		{generationFile(catalogue.Name, 1), "move it away and start again to rebuild it from the log"},
		{generationFile(projectionNames()[len(projectionNames())-1], 1), "derived from the event log"},
		{inboxFile, inboxFile},
	} {
		t.Run(tc.file, func(t *testing.T) {
			dir := t.TempDir()
			s, err := Open(dir)
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(dir, tc.file)
			info, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.Truncate(path, info.Size()/2); err != nil {
				t.Fatal(err)
			}
			s, err = Open(dir)
			if err == nil {
				s.Close()
				t.Fatalf("%s cut from %d to %d bytes opened", tc.file, info.Size(), info.Size()/2)
			}
			if !strings.Contains(err.Error(), tc.file) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not name %s (or lacks %q)", err, tc.file, tc.want)
			}
		})
	}
}
