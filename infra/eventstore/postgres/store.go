package postgres

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/chance-video/chance/eventlog"
)

// ErrClosed is returned by every call on a closed Store, and by appends still queued
// when it closed.
var ErrClosed = errors.New("event store closed")

// Store is an eventlog.Store over one PostgreSQL schema, which any number of processes
// may share.
type Store struct {
	readPool  *pgxpool.Pool // ReadStream, ReadAll, Subscribe, Head
	writePool *pgxpool.Pool // one connection: the writer's
	sql       statements
	w         *writer
	wake      *wakeup
	listen    *listener
	poll      time.Duration // the fallback poll of a caught-up subscription

	closing   chan struct{} // closed when Close starts
	closeOnce sync.Once
	closeErr  error
}

var _ eventlog.Store = (*Store)(nil)

// Open connects to the database at url (a postgres:// URL or a key=value DSN), applies
// the pending migrations of the log's schema (WithSchema, default DefaultSchema) and
// starts the writer. A bad or unreachable URL fails within the connect timeout, with an
// error that says which server could not be reached.
func Open(ctx context.Context, url string, opts ...Option) (_ *Store, err error) {
	cfg := newConfig(opts)
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("open postgres event store: %w", err)
	}
	readCfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		// pgx's message never repeats the password it may have failed to parse.
		return nil, fmt.Errorf("open postgres event store: bad database URL: %w", err)
	}
	if readCfg.ConnConfig.ConnectTimeout <= 0 {
		readCfg.ConnConfig.ConnectTimeout = cfg.connectTimeout
	}
	readCfg.MaxConns = cfg.readConns
	writeCfg := readCfg.Copy()
	writeCfg.MaxConns = 1
	// An append is acknowledged only once its COMMIT is flushed to the WAL, whatever the
	// server's default.
	writeCfg.ConnConfig.RuntimeParams["synchronous_commit"] = "on"
	// The writer may hold the head lock across a few round trips (settle): should this
	// process freeze or its network go, the server ends the transaction, releasing the
	// lock for the other processes, within seconds rather than TCP's hours.
	writeCfg.ConnConfig.RuntimeParams["idle_in_transaction_session_timeout"] = "10s"
	writeCfg.ConnConfig.RuntimeParams["tcp_keepalives_idle"] = "10"
	writeCfg.ConnConfig.RuntimeParams["tcp_keepalives_interval"] = "5"
	writeCfg.ConnConfig.RuntimeParams["tcp_keepalives_count"] = "3"
	listenCfg := readCfg.ConnConfig.Copy()

	where := fmt.Sprintf("%s:%d/%s", readCfg.ConnConfig.Host, readCfg.ConnConfig.Port, readCfg.ConnConfig.Database)
	wrap := func(err error) error {
		return fmt.Errorf("open postgres event store at %s, schema %s: %w", where, cfg.schema, err)
	}
	s := &Store{sql: newStatements(cfg.schema), wake: newWakeup(), poll: cfg.pollInterval, closing: make(chan struct{})}
	defer func() {
		if err != nil {
			s.closeResources()
		}
	}()
	if s.readPool, err = pgxpool.NewWithConfig(ctx, readCfg); err != nil {
		return nil, wrap(err)
	}
	if s.writePool, err = pgxpool.NewWithConfig(ctx, writeCfg); err != nil {
		return nil, wrap(err)
	}
	// pgxpool connects lazily: ping so that an unreachable server fails Open, not the
	// first append.
	pingCtx, cancel := context.WithTimeout(ctx, readCfg.ConnConfig.ConnectTimeout)
	defer cancel()
	if err := s.writePool.Ping(pingCtx); err != nil {
		return nil, wrap(fmt.Errorf("cannot reach the database: %w", err))
	}
	migrations, err := loadMigrations(migrationFiles)
	if err != nil {
		return nil, wrap(err)
	}
	if _, err := migrate(ctx, s.writePool, cfg.schema, migrations); err != nil {
		return nil, wrap(err)
	}
	var head int64
	if err := s.writePool.QueryRow(ctx, s.sql.head).Scan(&head); err != nil {
		return nil, wrap(fmt.Errorf("read the log head: %w", err))
	}
	s.w = newWriter(s.writePool, cfg.schema, uint64(head), cfg, s.closing, func(uint64) { s.wake.signal() })
	s.listen = newListener(listenCfg, notifyChannel(cfg.schema), s.wake.signal, cfg.pollInterval)
	go s.w.run()
	return s, nil
}

// Head is the position of the last committed event, as the database says: with several
// processes appending, this process's own last commit may be behind it.
func (s *Store) Head(ctx context.Context) (eventlog.Position, error) {
	if err := s.usable(ctx); err != nil {
		return eventlog.Start, fmt.Errorf("head: %w", err)
	}
	var head int64
	if err := s.readPool.QueryRow(ctx, s.sql.head).Scan(&head); err != nil {
		return eventlog.Start, fmt.Errorf("head: %w", s.stopped(err))
	}
	return position(uint64(head)), nil
}

// Close stops the writer after the batch it is committing (appends still queued fail
// with ErrClosed), ends the subscriptions (with ErrClosed) and the LISTEN connection,
// and closes the pools. Calling it again returns the first result.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		close(s.closing)
		<-s.w.done
		s.closeErr = s.closeResources()
	})
	return s.closeErr
}

func (s *Store) closeResources() error {
	if s.listen != nil {
		s.listen.stop()
	}
	if s.writePool != nil {
		s.writePool.Close()
	}
	if s.readPool != nil {
		s.readPool.Close()
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

// stopped returns ErrClosed if the store closed under a call that failed with err.
func (s *Store) stopped(err error) error {
	select {
	case <-s.closing:
		return ErrClosed
	default:
		return err
	}
}

func position(p uint64) eventlog.Position { return eventlog.Position{Commit: p, Prepare: p} }
