package httpapi_test

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chance-video/chance/infra/httpapi"
)

// serveLimited serves h with the limits on a loopback port; it returns the address.
func serveLimited(t *testing.T, h http.Handler, limits httpapi.ServerLimits) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	server := httpapi.NewServer(h, limits)
	go func() { _ = server.Serve(httpapi.LimitListener(l, limits)) }()
	t.Cleanup(func() { server.Close() })
	return l.Addr().String()
}

var ok = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, r.Body)
	w.WriteHeader(http.StatusNoContent)
})

func dial(t *testing.T, addr string) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func statusOf(t *testing.T, c net.Conn) int {
	t.Helper()
	_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("no answer: %v", err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// A client that sends half a body used to hold its connection for over 70 s (only the
// header had a timeout); now the read timeout closes it.
func TestAStalledBodyIsCutOff(t *testing.T) {
	addr := serveLimited(t, ok, httpapi.ServerLimits{ReadTimeout: time.Second, ReadHeaderTimeout: time.Second,
		WriteTimeout: time.Second, IdleTimeout: time.Second, MaxHeaderBytes: 4096, MaxConnections: 10})
	c := dial(t, addr)
	_, _ = io.WriteString(c, "POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n\r\nhalf a bo")
	started := time.Now()
	_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
	_, err := io.ReadAll(c) // returns when the server closes the connection
	if err != nil {
		t.Fatalf("the connection was not closed by the server: %v", err)
	}
	if took := time.Since(started); took > 5*time.Second {
		t.Fatalf("a stalled body held its connection for %s", took)
	}
}

// One address cannot take every connection: past its cap it is answered 429 and closed,
// while another address still gets in. Connections beyond the total cap wait.
func TestConnectionCaps(t *testing.T) {
	var served atomic.Int64
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { served.Add(1); w.WriteHeader(http.StatusNoContent) })
	addr := serveLimited(t, h, httpapi.ServerLimits{ReadTimeout: 10 * time.Second, ReadHeaderTimeout: 10 * time.Second,
		WriteTimeout: 10 * time.Second, IdleTimeout: 10 * time.Second, MaxHeaderBytes: 4096, MaxConnections: 3, MaxPerClient: 2})
	held := []net.Conn{dial(t, addr), dial(t, addr)} // open, silent: each holds a slot
	third := dial(t, addr)
	if status := statusOf(t, third); status != http.StatusTooManyRequests {
		t.Fatalf("a third connection from one address: %d, want 429", status)
	}
	// 127.0.0.2 is another address of the loopback interface: another client.
	other, err := (&net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 2)}}).Dial("tcp", addr)
	if err != nil {
		t.Skipf("no second loopback address here: %v", err)
	}
	defer other.Close()
	_, _ = io.WriteString(other, "GET / HTTP/1.1\r\nHost: a\r\n\r\n")
	if status := statusOf(t, other); status != http.StatusNoContent {
		t.Fatalf("another address: %d, want 204", status)
	}
	// The total cap (3) is reached: a fourth client is accepted only once a slot frees.
	waiting, err := (&net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 3)}}).Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer waiting.Close()
	_, _ = io.WriteString(waiting, "GET / HTTP/1.1\r\nHost: a\r\n\r\n")
	before := served.Load()
	held[0].Close()
	if status := statusOf(t, waiting); status != http.StatusNoContent {
		t.Fatalf("a client waiting for a slot: %d", status)
	}
	if served.Load() != before+1 {
		t.Fatalf("served %d, want %d", served.Load(), before+1)
	}
}

// Headers over the limit get a 431 problem, not a plain-text answer.
func TestHeadersOverTheLimitGetAProblem(t *testing.T) {
	h := newHarness(t, func(d *httpapi.Deps) { d.MaxHeaderBytes = 4096 })
	h.send(req{Method: http.MethodGet, Path: "/search?q=x", Header: map[string]string{"X-Padding": strings.Repeat("a", 5000)}}).
		problem(t, http.StatusRequestHeaderFieldsTooLarge, "at most 4096")
	h.send(req{Method: http.MethodGet, Path: "/search?q=x", Header: map[string]string{"X-Padding": strings.Repeat("a", 3000)}}).want(t, http.StatusOK)
}

// Until ready, the API answers 503 + Retry-After (never a half-built answer); health
// endpoints answer throughout.
func TestTheAPIWaitsUntilReady(t *testing.T) {
	var ready atomic.Bool
	h := newHarness(t, func(d *httpapi.Deps) {
		d.Ready = func() (bool, string) { return ready.Load(), "2 read models are catching up" }
	})
	r := h.get("/search?q=x", "").problem(t, http.StatusServiceUnavailable, "starting", "2 read models are catching up")
	if r.Header.Get("Retry-After") == "" {
		t.Fatal("503 without Retry-After")
	}
	if r.str("type") != "urn:chance:problem:starting" {
		t.Fatalf("type %q, want urn:chance:problem:starting", r.str("type"))
	}
	if r := h.raw(http.MethodGet, "/readyz"); r.Code != http.StatusServiceUnavailable || r.Header().Get("Retry-After") == "" {
		t.Fatalf("readyz while starting: %d", r.Code)
	}
	if r := h.raw(http.MethodGet, "/healthz"); r.Code != http.StatusOK {
		t.Fatalf("healthz while starting: %d", r.Code)
	}
	ready.Store(true)
	h.get("/search?q=x", "").want(t, http.StatusOK)
	if r := h.raw(http.MethodGet, "/readyz"); r.Code != http.StatusOK {
		t.Fatalf("readyz when ready: %d", r.Code)
	}
}

// Behind a reverse proxy every client arrives from the proxy's address: a trusted proxy
// is not held to one client's share of connections.
func TestATrustedProxyIsNotCappedAsOneClient(t *testing.T) {
	addr := serveLimited(t, ok, httpapi.ServerLimits{ReadTimeout: 10 * time.Second, ReadHeaderTimeout: 10 * time.Second,
		WriteTimeout: 10 * time.Second, IdleTimeout: 10 * time.Second, MaxHeaderBytes: 4096, MaxConnections: 10, MaxPerClient: 1,
		TrustedProxies: []string{"127.0.0.0/8"}})
	dial(t, addr) // holds a slot
	second := dial(t, addr)
	_, _ = io.WriteString(second, "GET / HTTP/1.1\r\nHost: a\r\n\r\n")
	if status := statusOf(t, second); status != http.StatusNoContent {
		t.Fatalf("a second connection from a trusted proxy: %d, want 204", status)
	}
}

// A failing advisory check (the projection lag on a process that does not project)
// is reported but leaves the process ready; any other failing check makes it unready.
func TestReadyzIgnoresAFailingAdvisoryCheck(t *testing.T) {
	checks := []httpapi.Check{{Name: "event store", OK: true}, {Name: "projection lag", Detail: "40s behind", Advisory: true}}
	ops := httpapi.OpsHandler(httpapi.Ops{Checks: func(context.Context) []httpapi.Check { return checks }})
	get := func() *httptest.ResponseRecorder {
		r := httptest.NewRecorder()
		ops.ServeHTTP(r, httptest.NewRequest(http.MethodGet, "/readyz", nil))
		return r
	}
	if r := get(); r.Code != http.StatusOK || !strings.Contains(r.Body.String(), `"advisory":true`) {
		t.Fatalf("readyz with a failing advisory check: %d %s", r.Code, r.Body)
	}
	checks[1].Advisory = false
	if r := get(); r.Code != http.StatusServiceUnavailable || !strings.Contains(r.Body.String(), "failing: projection lag") {
		t.Fatalf("readyz with a failing check: %d %s", r.Code, r.Body)
	}
}
