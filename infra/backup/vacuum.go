package backup

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// VacuumInto writes a consistent copy of the SQLite file src to dest (which must not
// exist) with VACUUM INTO: one read transaction, so the copy is the file as one commit
// left it, WAL included, while its writer goes on. It uses a connection of its own:
// the stores' read pools are query_only, which VACUUM INTO refuses.
func VacuumInto(ctx context.Context, src, dest string) error {
	if _, err := os.Stat(src); err != nil {
		return fmt.Errorf("back up %s: %w", src, err) // and never create an empty one
	}
	db, err := sql.Open("sqlite", src+"?"+url.Values{"_pragma": {"busy_timeout(10000)"}}.Encode())
	if err != nil {
		return fmt.Errorf("back up %s: %w", src, err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.ExecContext(ctx, "VACUUM INTO ?", dest); err != nil {
		return fmt.Errorf("back up %s into %s: %w", src, dest, err)
	}
	if err := syncFile(dest); err != nil {
		return fmt.Errorf("back up %s: %w", src, err)
	}
	return nil
}

// syncFile flushes a file written by someone else (SQLite does not sync VACUUM INTO's
// output unless asked).
func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}
