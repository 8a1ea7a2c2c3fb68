// Package eventsqlite is the embedded event store: the whole log in one SQLite file, written
// through the pure-Go modernc.org/sqlite driver.
//
// One goroutine owns the only write connection and commits concurrent appends together
// (group commit: one transaction and one fsync for everything queued, see writer.go).
// Reads go through a separate pool; WAL mode lets them run beside the writer.
//
// WARNING: one process per file. The writer trusts its in-memory revision cache and
// positions; another process writing the same file would make both wrong.
package eventsqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/chance-video/chance/eventlog"
	"github.com/chance-video/chance/infra/sqliteerr"
)

// ErrClosed is returned by every call on a closed Store, and by appends still queued
// when it closed.
var ErrClosed = errors.New("event store closed")

// Store is an eventlog.Store over one SQLite file.
type Store struct {
	writeDB *sql.DB // two connections: the writer's and the checkpointer's
	readDB  *sql.DB
	reads   readStatements
	w       *writer
	head    *headNotifier
	recent  recentBatches // what subscriptions read lately, for the others (see recentBatches)

	closing   chan struct{} // closed when Close starts
	closeOnce sync.Once
	closeErr  error
}

var _ eventlog.Store = (*Store)(nil)

// Open opens (creating if needed) the event store in the file at path, with default Options.
func Open(path string) (*Store, error) { return OpenWith(path, Options{}) }

// OpenWith opens the event store at path with the given options.
func OpenWith(path string, opts Options) (*Store, error) {
	s, err := open(path, opts)
	if err != nil {
		return nil, err
	}
	s.start()
	return s, nil
}

// start runs the writer and the checkpointer; Close stops them.
func (s *Store) start() {
	go s.w.run()
	go s.w.ckpt.run()
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-s.closing
		cancel()
	}()
	go s.w.known.build(ctx, s.readDB)
}

// open prepares everything but starts no goroutine (tests drive the writer by hand).
func open(path string, opts Options) (s *Store, err error) {
	if err := checkPath(path); err != nil {
		return nil, fmt.Errorf("open event store: %w", err)
	}
	if err := opts.Validate(); err != nil {
		return nil, fmt.Errorf("open event store: %w", err)
	}
	opts = opts.withDefaults()
	ctx := context.Background()
	wrap := func(err error) error {
		if sqliteerr.Corrupt(err) {
			return fmt.Errorf("open event store %s: %w (the log is the ledger of record and cannot be rebuilt: "+
				"keep this file for analysis and restore the data folder from a backup with 'chance restore --replace BACKUP')", path, err)
		}
		return fmt.Errorf("open event store %s: %w", path, err)
	}

	s = &Store{closing: make(chan struct{})}
	// WARNING: close through opened, not s: each failure below returns a nil s.
	opened := s
	defer func() {
		if err != nil {
			opened.closeResources() //nolint:errcheck // the open error is the one to report
		}
	}()

	// The write side first: migrate switches the file to WAL before any reader opens it.
	// Two connections: the writer's and the checkpointer's.
	if s.writeDB, err = sql.Open("sqlite", writeDSN(path, opts)); err != nil {
		return nil, wrap(err)
	}
	s.writeDB.SetMaxOpenConns(2)
	conn, err := s.writeDB.Conn(ctx)
	if err != nil {
		return nil, wrap(err)
	}
	var head int64
	err = migrate(ctx, conn)
	if err == nil {
		err = conn.QueryRowContext(ctx, `SELECT COALESCE(MAX(position), 0) FROM events`).Scan(&head)
	}
	var ckptConn *sql.Conn
	if err == nil {
		ckptConn, err = s.writeDB.Conn(ctx)
	}
	if err != nil {
		conn.Close()
		return nil, wrap(err)
	}
	s.head = newHeadNotifier(uint64(head))
	ckpt := newCheckpointer(ckptConn, s.closing)
	if s.w, err = newWriter(ctx, conn, uint64(head), opts, s.closing, s.head.publish, ckpt); err != nil {
		conn.Close()
		ckptConn.Close()
		return nil, wrap(err)
	}

	if s.readDB, err = sql.Open("sqlite", readDSN(path, opts)); err != nil {
		return nil, wrap(err)
	}
	s.readDB.SetMaxOpenConns(opts.ReadConns)
	s.readDB.SetMaxIdleConns(opts.ReadConns)
	if err := s.reads.prepare(ctx, s.readDB); err != nil {
		return nil, wrap(err)
	}
	return s, nil
}

// Head is the position of the last committed event, kept in memory by the writer.
func (s *Store) Head(ctx context.Context) (eventlog.Position, error) {
	if err := s.usable(ctx); err != nil {
		return eventlog.Start, fmt.Errorf("head: %w", err)
	}
	head, _ := s.head.current()
	return position(head), nil
}

// Close stops the writer after the batch it is committing; appends still queued fail
// with ErrClosed, subscriptions return ErrClosed. Calling it again returns the first result.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		close(s.closing)
		<-s.w.done
		<-s.w.ckpt.done
		<-s.w.known.built
		s.closeErr = s.closeResources()
	})
	return s.closeErr
}

func (s *Store) closeResources() error {
	var errs []error
	if s.w != nil {
		errs = append(errs, s.w.close())
	}
	if s.writeDB != nil {
		errs = append(errs, s.writeDB.Close())
	}
	errs = append(errs, s.reads.close())
	if s.readDB != nil {
		errs = append(errs, s.readDB.Close())
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("close event store: %w", err)
	}
	return nil
}

// usable reports ErrClosed or the context's error before a call starts work.
func (s *Store) usable(ctx context.Context) error {
	select {
	case <-s.closing:
		return ErrClosed
	default:
	}
	return ctx.Err()
}

func position(p uint64) eventlog.Position { return eventlog.Position{Commit: p, Prepare: p} }
