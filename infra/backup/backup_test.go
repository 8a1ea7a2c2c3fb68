package backup

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chance-video/chance/infra/datadir"
)

func writePart(content string) func(context.Context, string) error {
	return func(_ context.Context, to string) error { return os.WriteFile(to, []byte(content), 0o600) }
}

// A backup appears whole or not at all, and never over an existing folder.
func TestCreateIsAllOrNothing(t *testing.T) {
	parent := t.TempDir()
	dest := filepath.Join(parent, "b")
	broken := errors.New("disk full")
	err := Create(t.Context(), dest, &Manifest{},
		Part{Name: "one", Write: writePart("1")},
		Part{Name: "two", Write: func(context.Context, string) error { return broken }})
	if !errors.Is(err, broken) {
		t.Fatalf("a failing part: %v", err)
	}
	if left, _ := os.ReadDir(parent); len(left) != 0 {
		t.Fatalf("a failed backup left %v behind", left)
	}

	m := &Manifest{LogHead: "7"}
	if err := Create(t.Context(), dest, m, Part{Name: "one", Write: writePart("1")}); err != nil {
		t.Fatal(err)
	}
	got, err := ReadManifest(dest)
	if err != nil || got.LogHead != "7" || len(got.Parts) != 1 || got.Parts[0] != "one" {
		t.Fatalf("manifest %+v, %v", got, err)
	}
	if info, err := os.Stat(dest); err != nil || info.Mode().Perm() != 0o700 {
		t.Fatalf("the backup folder: %v %v (want mode 700: it holds the signing key)", info.Mode(), err)
	}
	if err := Create(t.Context(), dest, &Manifest{}); !errors.Is(err, ErrExists) {
		t.Fatalf("a backup over an existing one: %v", err)
	}
}

// The copy of a file with a transaction open is the file as its last commit left it.
func TestVacuumIntoCopiesTheCommittedState(t *testing.T) {
	dir := t.TempDir()
	db, err := sql.Open("sqlite", filepath.Join(dir, "a.db")+"?_pragma=journal_mode(WAL)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec("CREATE TABLE t(x); INSERT INTO t VALUES (1)"); err != nil {
		t.Fatal(err)
	}
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec("INSERT INTO t VALUES (2)"); err != nil {
		t.Fatal(err)
	}
	if err := VacuumInto(t.Context(), filepath.Join(dir, "a.db"), filepath.Join(dir, "copy.db")); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	cp, err := sql.Open("sqlite", filepath.Join(dir, "copy.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer cp.Close()
	var n int
	if err := cp.QueryRow("SELECT count(*) FROM t").Scan(&n); err != nil || n != 1 {
		t.Fatalf("rows in the copy: %d %v, want the 1 committed", n, err)
	}
	if err := VacuumInto(t.Context(), filepath.Join(dir, "missing.db"), filepath.Join(dir, "x.db")); err == nil {
		t.Fatal("a backup of a missing file succeeded")
	}
	if _, err := os.Stat(filepath.Join(dir, "missing.db")); err == nil {
		t.Fatal("a backup of a missing file created it")
	}
}

func TestRestoreRefusesWhatItShouldNot(t *testing.T) {
	src := filepath.Join(t.TempDir(), "b")
	if err := Create(t.Context(), src, &Manifest{}, Part{Name: "events.db", Write: writePart("log")}); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 2, 6, 0, 0, 0, time.UTC)

	if _, err := Restore(t.TempDir(), t.TempDir(), false, datadir.Owner{}, now); err == nil || !strings.Contains(err.Error(), "not a backup") {
		t.Fatalf("restore of a folder that is not a backup: %v", err)
	}

	held := t.TempDir()
	lock, err := datadir.Acquire(held, datadir.Owner{PID: 42, Command: "serve"})
	if err != nil {
		t.Fatal(err)
	}
	var heldErr *datadir.HeldError
	if _, err := Restore(src, held, true, datadir.Owner{}, now); !errors.As(err, &heldErr) {
		t.Fatalf("restore onto a folder a server holds: %v", err)
	}
	if err := lock.Release(); err != nil {
		t.Fatal(err)
	}

	// What a stopped server leaves (its lock, an empty socket folder) is no data.
	if err := os.Mkdir(filepath.Join(held, "operator"), 0o700); err != nil {
		t.Fatal(err)
	}
	r, err := Restore(src, held, false, datadir.Owner{}, now)
	if err != nil || r.Aside != "" {
		t.Fatalf("restore onto a stopped server's empty folder: %+v %v", r, err)
	}
	if got, err := os.ReadFile(filepath.Join(held, "events.db")); err != nil || string(got) != "log" {
		t.Fatalf("restored events.db: %q %v", got, err)
	}
	if _, err := Restore(src, held, false, datadir.Owner{}, now); err == nil || !strings.Contains(err.Error(), "--replace") {
		t.Fatalf("restore over data without --replace: %v", err)
	}
	r, err = Restore(src, held, true, datadir.Owner{}, now)
	if err != nil || r.Aside != held+".before-restore-20261202T060000Z" {
		t.Fatalf("restore --replace: %+v %v", r, err)
	}
	if _, err := os.Stat(filepath.Join(r.Aside, "events.db")); err != nil {
		t.Fatalf("the replaced log was not moved aside: %v", err)
	}
}
