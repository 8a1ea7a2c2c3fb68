package sqliteerr_test

import (
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	_ "modernc.org/sqlite"

	"github.com/chance-video/chance/infra/sqliteerr"
)

// A file that is not a database is corrupt, wrapped or not; other failures are not.
func TestCorrupt(t *testing.T) {
	path := filepath.Join(t.TempDir(), "not-a.db")
	if err := os.WriteFile(path, []byte("this is no SQLite file, only text long enough to be read as a header......"), 0o600); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	_, err = db.Exec("SELECT * FROM sqlite_master")
	if err == nil || !sqliteerr.Corrupt(err) || !sqliteerr.Corrupt(fmt.Errorf("open: %w", err)) {
		t.Fatalf("a text file read as a database: %v, want corrupt", err)
	}
	mem, err := sql.Open("sqlite", ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer mem.Close()
	_, err = mem.Exec("SELECT * FROM")
	if sqliteerr.Corrupt(err) || sqliteerr.Corrupt(errors.New("database is corrupt")) || sqliteerr.Corrupt(nil) {
		t.Fatalf("a syntax error, a plain error or none called corrupt (%v)", err)
	}
}
