package postgres

import (
	"errors"
	"fmt"
	"regexp"
	"time"
)

// DefaultSchema is the schema a production log's tables live in.
const DefaultSchema = "chance_events"

// config is what Open is told; the zero values of its fields mean the defaults.
type config struct {
	schema         string
	readConns      int32
	connectTimeout time.Duration
	writeTimeout   time.Duration
	pollInterval   time.Duration
	maxBatchEvents int
	cachedStreams  int
	onCommit       func(appends, events int)
}

// Option changes how Open connects and how the store works.
type Option func(*config)

// WithSchema keeps the log's tables in schema name instead of DefaultSchema. Every
// process that shares a log must name the same schema. Tests give every test its own.
func WithSchema(name string) Option { return func(c *config) { c.schema = name } }

// WithReadConns bounds the pool that ReadStream, ReadAll, Subscribe and Head use
// (default 8). The writer and the LISTEN connection are one connection each besides.
func WithReadConns(n int32) Option { return func(c *config) { c.readConns = n } }

// WithConnectTimeout bounds how long Open (and every later connection attempt) waits
// for the server, when the URL has no connect_timeout (default 5 s).
func WithConnectTimeout(d time.Duration) Option { return func(c *config) { c.connectTimeout = d } }

// WithWriteTimeout bounds one group commit, all its statements together (default 30 s):
// past it the batch fails and is rolled back.
func WithWriteTimeout(d time.Duration) Option { return func(c *config) { c.writeTimeout = d } }

// WithPollInterval is how often a caught-up subscription reads the log when no
// notification woke it (default 1 s): the fallback should a NOTIFY be lost, e.g. while
// the LISTEN connection reconnects.
func WithPollInterval(d time.Duration) Option { return func(c *config) { c.pollInterval = d } }

// WithMaxBatchEvents bounds a group commit (default 4096): it takes no more appends once
// it holds this many events. A single append larger than that still commits.
func WithMaxBatchEvents(n int) Option { return func(c *config) { c.maxBatchEvents = n } }

// WithCachedStreams bounds the writer's stream → last revision cache (default 100,000).
// An evicted stream is read again from the database when next appended to.
func WithCachedStreams(n int) Option { return func(c *config) { c.cachedStreams = n } }

// WithOnCommit tells onCommit of each group commit: how many appends it took and how
// many events it wrote (metrics). It runs on the writer goroutine: keep it cheap.
func WithOnCommit(onCommit func(appends, events int)) Option {
	return func(c *config) { c.onCommit = onCommit }
}

// schemaName keeps to names that need no quoting in a psql session and leaves room for
// the notification channel, "<schema>_appended", within PostgreSQL's 63-byte identifiers.
var schemaName = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,49}$`)

func newConfig(opts []Option) config {
	c := config{
		schema:         DefaultSchema,
		readConns:      8,
		connectTimeout: 5 * time.Second,
		writeTimeout:   30 * time.Second,
		pollInterval:   time.Second,
		maxBatchEvents: 4096,
		cachedStreams:  100_000,
	}
	for _, o := range opts {
		o(&c)
	}
	return c
}

// Validate rejects a configuration Open cannot use.
func (c config) Validate() error {
	var errs []error
	if !schemaName.MatchString(c.schema) {
		errs = append(errs, fmt.Errorf("schema %q: want 1 to 50 lower-case letters, digits or underscores, not starting with a digit", c.schema))
	}
	if c.readConns < 1 {
		errs = append(errs, fmt.Errorf("read conns %d: want at least 1", c.readConns))
	}
	for _, d := range []struct {
		name string
		d    time.Duration
	}{{"connect timeout", c.connectTimeout}, {"write timeout", c.writeTimeout}, {"poll interval", c.pollInterval}} {
		if d.d <= 0 {
			errs = append(errs, fmt.Errorf("%s %s: must be positive", d.name, d.d))
		}
	}
	if c.maxBatchEvents < 1 {
		errs = append(errs, fmt.Errorf("max batch events %d: want at least 1", c.maxBatchEvents))
	}
	if c.cachedStreams < 1 {
		errs = append(errs, fmt.Errorf("cached streams %d: want at least 1", c.cachedStreams))
	}
	return errors.Join(errs...)
}
