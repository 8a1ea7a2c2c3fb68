package readpostgres

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/chance-video/chance/infra/bus"
	"github.com/chance-video/chance/infra/pgmigrate"
	"github.com/chance-video/chance/infra/readstore/generations"
	"github.com/chance-video/chance/infra/senders"
	"github.com/chance-video/chance/projections"
	"github.com/chance-video/chance/queries"
)

var (
	// ErrClosed is returned by every call on a closed Store.
	ErrClosed = generations.ErrClosed
	// ErrGenerationChanged is returned by an Update whose projection was promoted by
	// another process since this one last looked: nothing was written, and the store now
	// serves the new generation. The caller resumes from Checkpoint.
	ErrGenerationChanged = errors.New("serving generation changed")
)

// Store implements the read side's ports over one PostgreSQL database.
type Store struct {
	pool *pgxpool.Pool
	// locks holds the connections of Exclusively's advisory locks, each held across a
	// send: apart from pool, so that lock holders (which check and record through pool)
	// can never take every connection pool has, and queries never wait for a send.
	locks *pgxpool.Pool
	// builds holds the connections of shadow builds, one per build for its whole life
	// (its build lock): apart from pool, so that a rebuild of every projection at once
	// cannot take every connection its own updates and the followers need.
	builds      *pgxpool.Pool
	schema      string // the base schema, as configured
	base        string // the same, quoted
	trgm        string // the schema of the pg_trgm extension, quoted
	projections map[string]*projection

	closed    atomic.Bool // set first thing by Close: the inbox has no generation to retire
	closeOnce sync.Once
	closeErr  error
}

var (
	_ projections.Rebuildable = (*Store)(nil)
	_ queries.ReadStore       = (*Store)(nil)
	_ queries.Inbox           = (*Store)(nil)
	_ bus.DeadLetterStore     = (*Store)(nil)
	_ senders.SentRecords     = (*Store)(nil)
	_ senders.ExclusiveSends  = (*Store)(nil)
)

// Open connects to the database at url (a postgres:// URL or a key=value DSN), applies
// the pending migrations of the shared tables, creates the first generation of each
// projection that has none, drops generations no process is building or serving, and
// loads the serving generations. A bad or unreachable URL fails within the connect
// timeout, with an error that says which server could not be reached.
func Open(ctx context.Context, url string, opts ...Option) (_ *Store, err error) {
	cfg := newConfig(opts)
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("open postgres read store: %w", err)
	}
	poolCfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		// pgx's message never repeats the password it may have failed to parse.
		return nil, fmt.Errorf("open postgres read store: bad database URL: %w", err)
	}
	if cfg.maxConns > 0 {
		poolCfg.MaxConns = cfg.maxConns
	}
	// Search statements are prepared once per connection and run with very different
	// words: a generic plan chosen for a rare word would scan for a common one.
	poolCfg.ConnConfig.RuntimeParams["plan_cache_mode"] = "force_custom_plan"
	if poolCfg.ConnConfig.ConnectTimeout <= 0 {
		poolCfg.ConnConfig.ConnectTimeout = cfg.connectTimeout
	}
	where := fmt.Sprintf("%s:%d/%s", poolCfg.ConnConfig.Host, poolCfg.ConnConfig.Port, poolCfg.ConnConfig.Database)
	wrap := func(err error) error {
		return fmt.Errorf("open postgres read store at %s, schema %s: %w", where, cfg.schema, err)
	}

	pool, err := pgxpool.NewWithConfig(ctx, poolCfg)
	if err != nil {
		return nil, wrap(err)
	}
	lockCfg := poolCfg.Copy()
	lockCfg.MaxConns = maxExclusiveSends
	locks, err := pgxpool.NewWithConfig(ctx, lockCfg)
	if err != nil {
		pool.Close()
		return nil, wrap(err)
	}
	buildCfg := poolCfg.Copy()
	buildCfg.MaxConns = int32(len(projectionNames()))
	builds, err := pgxpool.NewWithConfig(ctx, buildCfg)
	if err != nil {
		pool.Close()
		locks.Close()
		return nil, wrap(err)
	}
	s := &Store{pool: pool, locks: locks, builds: builds, schema: cfg.schema, base: quote(cfg.schema), projections: map[string]*projection{}}
	defer func() {
		if err != nil {
			s.Close() //nolint:errcheck // the open error is the one to report
		}
	}()
	// pgxpool connects lazily: ping so that an unreachable server fails Open, not the
	// first query.
	pingCtx, cancel := context.WithTimeout(ctx, poolCfg.ConnConfig.ConnectTimeout)
	defer cancel()
	if err := pool.Ping(pingCtx); err != nil {
		return nil, wrap(fmt.Errorf("cannot reach the database: %w", err))
	}
	migrations, err := pgmigrate.Load(migrationFiles)
	if err != nil {
		return nil, wrap(err)
	}
	if _, err := pgmigrate.Apply(ctx, pool, cfg.schema, migrationConfig, migrations); err != nil {
		return nil, wrap(err)
	}
	if err := pool.QueryRow(ctx, `SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'pg_trgm'`).Scan(&s.trgm); err != nil {
		return nil, wrap(fmt.Errorf("find the pg_trgm extension: %w", err))
	}
	s.trgm = quote(s.trgm)
	serving, err := s.ensureGenerations(ctx)
	if err != nil {
		return nil, wrap(err)
	}
	for _, name := range projectionNames() {
		s.projections[name] = generations.New(name, newGeneration(s.schema, name, serving[name]))
	}
	return s, nil
}

// ensureGenerations gives every projection a manifest row and a first generation if it
// has none, refuses a serving generation of another layout, drops strays, and returns the
// serving generation of each projection. It runs under the migration lock, so that two
// processes opening a new schema at once do not both create generation 1.
func (s *Store) ensureGenerations(ctx context.Context) (map[string]int, error) {
	serving := map[string]int{}
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if err := pgmigrate.Lock(ctx, tx, migrationConfig.Lock); err != nil {
			return err
		}
		for _, name := range projectionNames() {
			var n, layout int
			err := tx.QueryRow(ctx, `SELECT serving, layout FROM `+s.base+`.generations WHERE projection = $1`, name).Scan(&n, &layout)
			switch {
			case errors.Is(err, pgx.ErrNoRows):
				n, layout = 1, layoutVersion
				if _, err := s.dropStrays(ctx, tx, name, 0); err != nil {
					return fmt.Errorf("drop leftovers of %s: %w", name, err)
				}
				if err := s.createGeneration(ctx, tx, name, n); err != nil {
					return err
				}
				_, err = tx.Exec(ctx, `INSERT INTO `+s.base+`.generations (projection, serving, layout, next) VALUES ($1, $2, $3, $4)`,
					name, n, layout, n+1)
				if err != nil {
					return fmt.Errorf("record generation of %s: %w", name, err)
				}
			case err != nil:
				return fmt.Errorf("manifest of %s: %w", name, err)
			default:
				if layout != layoutVersion {
					return fmt.Errorf("%s generation %d has table layout %d, this build knows %d", name, n, layout, layoutVersion)
				}
				if _, err := s.dropStrays(ctx, tx, name, n); err != nil {
					return fmt.Errorf("drop stray generations of %s: %w", name, err)
				}
			}
			serving[name] = n
		}
		return nil
	})
	return serving, err
}

// Close waits for the calls in flight, discards the builds of this process that were
// not promoted, closes the pool and makes later calls fail with ErrClosed. Calling it
// again returns the first result.
func (s *Store) Close() error {
	s.closeOnce.Do(s.close)
	return s.closeErr
}

func (s *Store) close() {
	s.closed.Store(true)
	var errs []error
	for _, name := range projectionNames() {
		p := s.projections[name]
		if p == nil {
			continue
		}
		if _, err := p.Close(); err != nil {
			errs = append(errs, err)
		}
	}
	s.locks.Close()
	s.builds.Close()
	s.pool.Close()
	if err := errors.Join(errs...); err != nil {
		s.closeErr = fmt.Errorf("close postgres read store: %w", err)
	}
}

func (s *Store) projection(name string) (*projection, error) {
	p, ok := s.projections[name]
	if !ok {
		return nil, fmt.Errorf("%w %q", projections.ErrUnknownProjection, name)
	}
	return p, nil
}
