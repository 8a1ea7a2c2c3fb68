package readpostgres

import (
	"fmt"
	"regexp"
	"time"
)

// DefaultSchema is the base schema of a production read store.
const DefaultSchema = "chance"

// config is what Open is told; the zero values of its fields mean the defaults.
type config struct {
	schema         string
	maxConns       int32
	connectTimeout time.Duration
}

// Option changes how Open connects and where the store keeps its tables.
type Option func(*config)

// WithSchema keeps the store's tables under another base schema than DefaultSchema:
// its shared tables in schema name, each projection generation in a schema named after
// it (see generation.go). Tests give every test its own.
func WithSchema(name string) Option { return func(c *config) { c.schema = name } }

// WithMaxConns bounds the connection pool (default: pgxpool's, the greater of 4 and
// the number of CPUs, or the URL's pool_max_conns).
func WithMaxConns(n int32) Option { return func(c *config) { c.maxConns = n } }

// WithConnectTimeout bounds how long Open (and every later connection attempt) waits
// for the server, when the URL has no connect_timeout (default 5 s).
func WithConnectTimeout(d time.Duration) Option { return func(c *config) { c.connectTimeout = d } }

// schemaName leaves room for the longest generation schema,
// "<base>_catalogue_v1_g<number>", within PostgreSQL's 63-byte identifiers, and keeps
// to names that need no quoting in a psql session.
var schemaName = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,39}$`)

func newConfig(opts []Option) config {
	c := config{schema: DefaultSchema, connectTimeout: 5 * time.Second}
	for _, o := range opts {
		o(&c)
	}
	return c
}

// Validate rejects a configuration Open cannot use.
func (c config) Validate() error {
	if !schemaName.MatchString(c.schema) {
		return fmt.Errorf("schema %q: want 1 to 40 lower-case letters, digits or underscores, not starting with a digit", c.schema)
	}
	if c.maxConns < 0 {
		return fmt.Errorf("max conns %d: must not be negative", c.maxConns)
	}
	if c.connectTimeout < 0 {
		return fmt.Errorf("connect timeout %s: must not be negative", c.connectTimeout)
	}
	return nil
}
