package esdb

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"sync"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"

	"github.com/chance-video/chance/eventlog"
)

// ErrClosed is returned by every call on a closed Store, and ends its subscriptions.
var ErrClosed = errors.New("event store closed")

// Store is an eventlog.Store over one EventStoreDB node or cluster.
type Store struct {
	conn *connection
	log  *slog.Logger

	done      context.Context // cancelled by Close, to end subscriptions
	cancel    context.CancelFunc
	closeOnce sync.Once
}

var _ eventlog.Store = (*Store)(nil)

// Open prepares a Store for the esdb:// (or esdb+discover://) connection string: TLS,
// certificates, credentials, node preference and timeouts are all set in it, as
// EventStoreDB documents (for example esdb://admin:changeit@db:2113?tls=true).
//
// Open does not connect: the client connects on first use, and reconnects after a
// failure, so a server that starts later is not an error here. Call Head to check
// the connection at start-up.
func Open(connectionString string) (*Store, error) {
	return OpenWith(connectionString, Options{})
}

// OpenWith is Open with options.
func OpenWith(connectionString string, opts Options) (*Store, error) {
	opts = opts.withDefaults()
	config, err := parseURL(connectionString)
	if err != nil {
		return nil, err
	}
	conn, err := newConnection(config)
	if err != nil {
		return nil, fmt.Errorf("open eventstoredb %s: %w", redacted(connectionString), err)
	}
	s := &Store{conn: conn, log: opts.Log}
	s.done, s.cancel = context.WithCancel(context.Background())
	return s, nil
}

// parseURL parses the connection string, never echoing a password in its error.
func parseURL(connectionString string) (*esdb.Configuration, error) {
	if connectionString == "" {
		return nil, errors.New("open eventstoredb: empty connection string")
	}
	config, err := esdb.ParseConnectionString(connectionString)
	if err != nil {
		var urlErr *url.Error // its message repeats the whole URL, credentials included
		if errors.As(err, &urlErr) {
			err = urlErr.Err
		}
		return nil, fmt.Errorf("open eventstoredb %s: invalid connection string: %w", redacted(connectionString), err)
	}
	// The client would log every failed call, every cancelled subscription included, to
	// the standard logger; its errors reach the caller through return values instead.
	config.Logger = esdb.NoopLogging()
	return config, nil
}

// redacted is the connection string without its password, for messages.
func redacted(connectionString string) string {
	u, err := url.Parse(connectionString)
	if err != nil {
		return "(unparsable connection string)"
	}
	return u.Redacted()
}

// Close ends the store's subscriptions and closes the connection. Calls in flight fail;
// later calls return ErrClosed.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		s.cancel()
		s.conn.close()
	})
	return nil
}
