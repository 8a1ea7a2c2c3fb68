// Package kafkatest runs an in-process Kafka-protocol broker (kfake) for tests of
// the Kafka bus through the real client, and can stop it and start it again on the
// same address with its data (topics, messages, committed group offsets) kept, as a
// broker that goes away and comes back.
package kafkatest

import (
	"fmt"
	"net"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// Broker is one kfake broker on a local port, its state in a test's temporary folder.
type Broker struct {
	t    testing.TB
	dir  string
	port int
	opts []kfake.Opt

	mu      sync.Mutex
	cluster *kfake.Cluster // nil while stopped
}

// Start starts a broker on a free local port; it is closed when the test ends. Like
// a production cluster it does not create topics on first use (pass
// kfake.AllowAutoTopicCreation() for that): the bus must create its own.
func Start(t testing.TB, opts ...kfake.Opt) *Broker {
	t.Helper()
	b := &Broker{t: t, dir: t.TempDir(), opts: opts}
	b.start()
	_, port, _ := net.SplitHostPort(b.cluster.ListenAddrs()[0])
	b.port, _ = strconv.Atoi(port)
	t.Cleanup(b.Stop)
	return b
}

// Brokers is the broker's address, for a bus Config.
func (b *Broker) Brokers() []string {
	return []string{net.JoinHostPort("127.0.0.1", strconv.Itoa(b.port))}
}

// Stop shuts the broker down: connections are cut and the address refuses new ones.
// Its state is saved to disk for Restart. Stopping a stopped broker does nothing.
func (b *Broker) Stop() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.cluster != nil {
		b.cluster.Close()
		b.cluster = nil
	}
}

// Control makes the running broker answer its requests of one kind (a kmsg key) with
// control's answer while control returns true (kfake's ControlKey, kept), until the
// broker stops: for brokers that refuse something, such as creating topics.
func (b *Broker) Control(key kmsg.Key, control func(kmsg.Request) (kmsg.Response, error, bool)) {
	b.mu.Lock()
	defer b.mu.Unlock()
	cluster := b.cluster
	cluster.ControlKey(int16(key), func(req kmsg.Request) (kmsg.Response, error, bool) {
		cluster.KeepControl()
		return control(req)
	})
}

// Restart starts the stopped broker again on its address with the state it had.
func (b *Broker) Restart() {
	b.t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.cluster != nil {
		return
	}
	// The address was just released; a client reconnecting in a loop does not hold
	// it, but the system may take a moment to let it be bound again.
	deadline := time.Now().Add(5 * time.Second)
	for {
		err := b.startLocked()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			b.t.Fatalf("restart the kafka broker on port %d: %v", b.port, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func (b *Broker) start() {
	b.t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	if err := b.startLocked(); err != nil {
		b.t.Fatalf("start a kafka broker: %v", err)
	}
}

func (b *Broker) startLocked() error {
	opts := append([]kfake.Opt{kfake.Ports(b.port), kfake.DataDir(b.dir),
		kfake.GroupMinSessionTimeout(100 * time.Millisecond)}, b.opts...)
	c, err := kfake.NewCluster(opts...)
	if err != nil {
		return fmt.Errorf("kfake: %w", err)
	}
	b.cluster = c
	return nil
}
