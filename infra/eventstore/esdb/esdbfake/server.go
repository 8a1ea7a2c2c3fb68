package esdbfake

import (
	"context"
	"fmt"
	"net"
	"sync"

	"google.golang.org/grpc"

	"github.com/EventStore/EventStore-Client-Go/v4/protos/serverfeatures"
	"github.com/EventStore/EventStore-Client-Go/v4/protos/streams"
)

// Server is a running fake. Its log lives as long as the Server, across Stop and Restart.
type Server struct {
	log  *memlog
	addr string

	mu         sync.Mutex
	grpc       *grpc.Server  // nil while stopped
	drop       chan struct{} // closed by DropSubscriptions; replaced for later subscriptions
	dropAfter  int           // cut each subscription after this many events; 0: never
	subscribed int           // subscriptions started so far
	onSub      chan struct{} // closed and replaced whenever a subscription starts
}

// Start listens on a free port of 127.0.0.1 and serves until Close.
func Start() (*Server, error) {
	s := &Server{log: newLog(), drop: make(chan struct{}), onSub: make(chan struct{})}
	s.seed()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("esdbfake: listen: %w", err)
	}
	s.addr = lis.Addr().String()
	s.serve(lis)
	return s, nil
}

// seed writes what a fresh server's log starts with: system events, one of them with an
// ordinary-looking type in a "$"-stream (a filter on event types alone lets it through).
func (s *Server) seed() {
	s.log.mu.Lock()
	defer s.log.mu.Unlock()
	s.log.writeLocked("$settings", []proposed{systemEvent("$settings")})
	s.log.writeLocked("$users", []proposed{systemEvent("$UserCreated"), systemEvent("$User")})
	s.log.writeLocked("$projections-$all", []proposed{systemEvent("ProjectionsInitialized")})
}

func (s *Server) serve(lis net.Listener) {
	g := grpc.NewServer()
	streams.RegisterStreamsServer(g, &streamsService{server: s})
	serverfeatures.RegisterServerFeaturesServer(g, featuresService{})
	s.mu.Lock()
	s.grpc = g
	s.mu.Unlock()
	go func() { _ = g.Serve(lis) }() // returns when stopped
}

// URL is the connection string for the client: single node, no TLS.
func (s *Server) URL() string { return "esdb://" + s.addr + "?tls=false" }

// Addr is the host:port the server listens on.
func (s *Server) Addr() string { return s.addr }

// Stop closes the listener and every connection, as a crashed server would; the log is kept.
func (s *Server) Stop() {
	s.mu.Lock()
	g := s.grpc
	s.grpc = nil
	s.mu.Unlock()
	if g != nil {
		g.Stop()
	}
}

// Restart serves the same log on the same address again after Stop.
func (s *Server) Restart() error {
	s.mu.Lock()
	running := s.grpc != nil
	s.mu.Unlock()
	if running {
		return fmt.Errorf("esdbfake: restart of a running server on %s", s.addr)
	}
	lis, err := net.Listen("tcp", s.addr)
	if err != nil {
		return fmt.Errorf("esdbfake: listen again on %s: %w", s.addr, err)
	}
	s.serve(lis)
	return nil
}

// Close stops the server for good.
func (s *Server) Close() { s.Stop() }

// DropSubscriptions cuts every subscription active now with an Unavailable error, as a
// server does when it restarts or a subscription falls too far behind. Subscriptions
// started later are not affected.
func (s *Server) DropSubscriptions() {
	s.mu.Lock()
	defer s.mu.Unlock()
	close(s.drop)
	s.drop = make(chan struct{})
}

// DropSubscriptionsAfter makes every subscription started from now on end with an
// Unavailable error after it has sent n events (0 turns this off).
func (s *Server) DropSubscriptionsAfter(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.dropAfter = n
}

// Subscriptions is how many subscriptions have been started.
func (s *Server) Subscriptions() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.subscribed
}

// WaitSubscriptions waits until n subscriptions have been started in all, or ctx ends.
func (s *Server) WaitSubscriptions(ctx context.Context, n int) error {
	for {
		s.mu.Lock()
		started, wake := s.subscribed, s.onSub
		s.mu.Unlock()
		if started >= n {
			return nil
		}
		select {
		case <-wake:
		case <-ctx.Done():
			return fmt.Errorf("esdbfake: %d of %d subscriptions started: %w", started, n, ctx.Err())
		}
	}
}

// subscriptionStarted counts a subscription and returns its drop channel and limit.
func (s *Server) subscriptionStarted() (drop <-chan struct{}, after int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.subscribed++
	close(s.onSub)
	s.onSub = make(chan struct{})
	return s.drop, s.dropAfter
}

// WriteSystemEvents appends n system events in a row, as a busy server's statistics or
// projections would: long runs that readers of $all have to skip.
func (s *Server) WriteSystemEvents(n int) {
	s.log.mu.Lock()
	defer s.log.mu.Unlock()
	for range n {
		s.log.writeLocked("$stats-127.0.0.1:2113", []proposed{systemEvent("$statsCollected")})
	}
}
