package httpapi

import (
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"
)

// ServerLimits bound what one client, slow or hostile, can hold of the server: time to
// send a request or read an answer, idle keep-alive connections, header bytes, and
// connections. Defaults are in infra/config; the README's configuration table documents each.
type ServerLimits struct {
	ReadTimeout       time.Duration // the whole request, body included: a stalled body is cut off
	ReadHeaderTimeout time.Duration
	WriteTimeout      time.Duration // from the end of the headers to the end of the answer
	IdleTimeout       time.Duration // a keep-alive connection between requests
	MaxHeaderBytes    int           // above this: 431 problem (see headerLimit)
	MaxConnections    int           // open at once; more wait in the kernel's accept queue
	MaxPerClient      int           // open at once from one address; more are refused (0: no limit)
	// TrustedProxies (addresses or CIDRs) are exempt from MaxPerClient: every client
	// behind a reverse proxy arrives from the proxy's address.
	TrustedProxies []string
}

// NewServer is the API's http.Server with the limits applied. Headers a little above
// MaxHeaderBytes reach the router, which answers them with a problem; far above, Go's
// server refuses them itself (plain 431) without reading them into memory.
func NewServer(h http.Handler, l ServerLimits) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadTimeout:       l.ReadTimeout,
		ReadHeaderTimeout: l.ReadHeaderTimeout,
		WriteTimeout:      l.WriteTimeout,
		IdleTimeout:       l.IdleTimeout,
		MaxHeaderBytes:    2*l.MaxHeaderBytes + 4096,
	}
}

// LimitListener caps the connections open at once, in total and per client address.
// At the total cap it stops accepting (new connections wait in the kernel's queue and no
// file descriptor is spent on them); a client over its own cap gets a 429 and is closed
// at once, so one address cannot take every slot.
func LimitListener(l net.Listener, limits ServerLimits) net.Listener {
	return &limitedListener{Listener: l, slots: make(chan struct{}, max(limits.MaxConnections, 1)),
		perClient: limits.MaxPerClient, open: map[string]int{}, proxies: networks(limits.TrustedProxies)}
}

// networks parses addresses and CIDRs (validated by the configuration); an address
// is a network of one.
func networks(list []string) []*net.IPNet {
	var nets []*net.IPNet
	for _, p := range list {
		if _, n, err := net.ParseCIDR(p); err == nil {
			nets = append(nets, n)
		} else if ip := net.ParseIP(p); ip != nil {
			bits := 8 * len(ip.To16())
			if ip.To4() != nil {
				ip, bits = ip.To4(), 32
			}
			nets = append(nets, &net.IPNet{IP: ip, Mask: net.CIDRMask(bits, bits)})
		}
	}
	return nets
}

type limitedListener struct {
	net.Listener
	slots     chan struct{}
	perClient int
	proxies   []*net.IPNet
	mu        sync.Mutex
	open      map[string]int
}

func (l *limitedListener) Accept() (net.Conn, error) {
	for {
		l.slots <- struct{}{}
		c, err := l.Listener.Accept()
		if err != nil {
			<-l.slots
			return nil, err
		}
		host, exempt := l.client(c)
		if !exempt && !l.admit(host) {
			<-l.slots
			refuseBusyClient(c)
			continue
		}
		if exempt {
			return &limitedConn{Conn: c, release: func() { <-l.slots }}, nil
		}
		return &limitedConn{Conn: c, release: func() { l.leave(host); <-l.slots }}, nil
	}
}

func (l *limitedListener) admit(host string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.perClient > 0 && l.open[host] >= l.perClient {
		return false
	}
	l.open[host]++
	return true
}

func (l *limitedListener) leave(host string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.open[host]--; l.open[host] <= 0 {
		delete(l.open, host)
	}
}

// client names the connection's client for the per-client cap: its address, or its
// /64 for IPv6 (one subscriber's share, as the sign-in limits count it); exempt when
// the peer is a trusted proxy.
func (l *limitedListener) client(c net.Conn) (host string, exempt bool) {
	host, _, err := net.SplitHostPort(c.RemoteAddr().String())
	if err != nil {
		return c.RemoteAddr().String(), false
	}
	ip := net.ParseIP(host)
	if ip == nil {
		return host, false
	}
	for _, n := range l.proxies {
		if n.Contains(ip) {
			return host, true
		}
	}
	if ip.To4() == nil {
		return ip.Mask(net.CIDRMask(64, 128)).String() + "/64", false
	}
	return host, false
}

// busyClientProblem is the whole answer to a connection refused for its address's cap.
const busyClientProblem = `{"type":"urn:chance:problem:too-many-connections","title":"Too many connections","status":429,` +
	`"detail":"this address has too many connections open; close some and retry"}`

func refuseBusyClient(c net.Conn) {
	_ = c.SetWriteDeadline(time.Now().Add(time.Second))
	_, _ = fmt.Fprintf(c, "HTTP/1.1 429 Too Many Requests\r\nContent-Type: application/problem+json\r\n"+
		"Retry-After: 1\r\nConnection: close\r\nContent-Length: %d\r\n\r\n%s", len(busyClientProblem), busyClientProblem)
	_ = c.Close()
}

// limitedConn gives its slot back once, when closed.
type limitedConn struct {
	net.Conn
	once    sync.Once
	release func()
}

func (c *limitedConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.release)
	return err
}
