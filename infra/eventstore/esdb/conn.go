package esdb

import (
	"errors"
	"fmt"
	"sync"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"
)

// connection holds the client and replaces it when the client has shut itself down.
//
// WARNING: a v4 client whose node discovery fails — the server unreachable for
// maxDiscoverAttempts tries, about a second with the defaults — closes itself for good:
// every later call fails with ErrorCodeConnectionClosed. Without a new client the store
// would stay broken after the server is back.
//
// WARNING: the old client is abandoned, never closed. Closing it closes the channel on
// which its calls still in flight report a lost connection, and that send would panic.
// Even abandoned, such a call can block forever inside the client (nobody reads that
// channel once discovery has given up); only a call started before an outage and failing
// after discovery gave up is exposed, and nothing outside the client can unblock it.
// Each outage also leaks the old client's idle gRPC connection.
type connection struct {
	config *esdb.Configuration

	mu      sync.Mutex
	client  *esdb.Client
	closed  bool
	renewed func() // test hook, called after a replacement
}

func newConnection(config *esdb.Configuration) (*connection, error) {
	client, err := esdb.NewClient(config)
	if err != nil {
		return nil, err
	}
	return &connection{config: config, client: client}, nil
}

// get returns the current client, or ErrClosed.
func (c *connection) get() (*esdb.Client, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return nil, ErrClosed
	}
	return c.client, nil
}

// failed looks at an error a call on client returned: after Close it becomes ErrClosed;
// from a client that has shut itself down, it replaces that client so that the next call
// connects afresh. It returns the error to report.
func (c *connection) failed(client *esdb.Client, err error) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return fmt.Errorf("%w (%v)", ErrClosed, err)
	}
	var clientErr *esdb.Error
	if !errors.As(err, &clientErr) || !clientErr.IsErrorCode(esdb.ErrorCodeConnectionClosed) || c.client != client {
		return err
	}
	fresh, newErr := esdb.NewClient(c.config) // does not connect: cannot fail on the network
	if newErr != nil {
		return errors.Join(err, newErr)
	}
	c.client = fresh
	if c.renewed != nil {
		c.renewed()
	}
	return err
}

func (c *connection) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.closed {
		c.closed = true
		_ = c.client.Close() // always nil
	}
}
