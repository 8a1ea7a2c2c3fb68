package readsqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
)

// readConns is the read pool of each file: enough for the two cores of a small
// server, and SQLite in WAL mode lets them all read beside the writer.
const readConns = 4

// file is one SQLite file: one write connection, so that writes to it are serialized
// by database/sql itself (no SQLITE_BUSY between writers), and a small read pool.
type file struct {
	path  string
	write *sql.DB
	read  *sql.DB

	stmts map[string]*sql.Stmt // prepared on the write connection at open, reused by every Update
}

// durability is a file's synchronous setting.
type durability string

const (
	// rebuildable: synchronous=NORMAL. In WAL mode a power cut may lose the last commits
	// but never corrupts the file, and a projection loses its rows and its checkpoint
	// together: the runner re-applies those events from the log. NORMAL saves an fsync per
	// commit (about 5x the single-transaction rate).
	rebuildable durability = "NORMAL"
	// durable: synchronous=FULL, for the inbox, which no log can rebuild.
	durable durability = "FULL"
)

// openFile opens (creating if needed) the file at path with tables, in WAL mode.
func openFile(ctx context.Context, path string, tables, statements []string, withCheckpoint bool, sync durability, cache cacheSizes) (_ *file, err error) {
	if strings.ContainsAny(path, "?#") {
		return nil, fmt.Errorf("path %q contains '?' or '#'", path) // the driver splits its DSN there
	}
	f := &file{path: path, stmts: map[string]*sql.Stmt{}}
	defer func() {
		if err != nil {
			f.close() //nolint:errcheck // the open error is the one to report
		}
	}()
	// The write side first: it switches the file to WAL before any reader opens it.
	if f.write, err = sql.Open("sqlite", dsn(path, "immediate",
		"journal_mode(WAL)",
		"synchronous("+string(sync)+")",
		"busy_timeout(10000)",
		"journal_size_limit(67108864)",
		// Sized from the memory budget (caches.go): beyond it, a large transaction's
		// pages spill to the WAL before it commits, which is correct, only slower.
		fmt.Sprintf("cache_size(-%d)", cache.WriterKiB),
	)); err != nil {
		return nil, err
	}
	f.write.SetMaxOpenConns(1)
	f.write.SetMaxIdleConns(1)
	f.write.SetConnMaxLifetime(0)
	if err := migrate(ctx, f.write, tables, withCheckpoint); err != nil {
		return nil, err
	}
	if err := f.prepare(ctx, statements); err != nil {
		return nil, err
	}
	// query_only: a bug can never write through the read pool.
	if f.read, err = sql.Open("sqlite", dsn(path, "",
		"busy_timeout(10000)",
		"query_only(1)",
		fmt.Sprintf("cache_size(-%d)", cache.ReaderKiB),
	)); err != nil {
		return nil, err
	}
	f.read.SetMaxOpenConns(readConns)
	f.read.SetMaxIdleConns(readConns)
	if err := f.read.PingContext(ctx); err != nil {
		return nil, err
	}
	return f, nil
}

func dsn(path, txlock string, pragmas ...string) string {
	q := url.Values{"_pragma": pragmas}
	if txlock != "" {
		// BEGIN IMMEDIATE: a transaction that reads before it writes never has to
		// upgrade its lock (there is one writer anyway, this states it).
		q.Set("_txlock", txlock)
	}
	return path + "?" + q.Encode()
}

// prepare prepares the statements a file's transactions use, once, on the write
// connection while no transaction holds it. Update binds them to its transaction with
// Tx.StmtContext, which reuses the connection's prepared statement: a batch of
// thousands of events, or thousands of single-event batches, prepare nothing.
func (f *file) prepare(ctx context.Context, queries []string) error {
	for _, q := range queries {
		s, err := f.write.PrepareContext(ctx, q)
		if err != nil {
			return fmt.Errorf("prepare %s: %w", firstLine(q), err)
		}
		f.stmts[q] = s
	}
	return nil
}

// prepared returns a statement prepare made; the map is read-only after open.
func (f *file) prepared(query string) (*sql.Stmt, bool) {
	s, ok := f.stmts[query]
	return s, ok
}

// close closes the handles; the file stays.
func (f *file) close() error {
	var errs []error
	for _, s := range f.stmts {
		errs = append(errs, s.Close())
	}
	if f.read != nil {
		errs = append(errs, f.read.Close())
	}
	if f.write != nil {
		errs = append(errs, f.write.Close())
	}
	return errors.Join(errs...)
}

// remove closes the handles and deletes the file with its WAL and shared-memory files.
func (f *file) remove() error {
	errs := []error{f.close()}
	for _, suffix := range sqliteSuffixes {
		if err := os.Remove(f.path + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// sqliteSuffixes are the files SQLite keeps beside a database file.
var sqliteSuffixes = []string{"", "-wal", "-shm", "-journal"}
