package main

import (
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"
)

func TestReadyURLFromListenAddress(t *testing.T) {
	for addr, want := range map[string]string{
		"0.0.0.0:8080":   "http://127.0.0.1:8080/readyz",
		":9090":          "http://127.0.0.1:9090/readyz",
		"[::]:8080":      "http://127.0.0.1:8080/readyz",
		"127.0.0.1:8081": "http://127.0.0.1:8081/readyz",
		"10.1.2.3:8080":  "http://10.1.2.3:8080/readyz",
		"[::1]:8080":     "http://[::1]:8080/readyz",
		"api:8080":       "http://api:8080/readyz",
	} {
		if got, err := readyURL(addr); err != nil || got != want {
			t.Errorf("readyURL(%q) = %q, %v; want %q", addr, got, err, want)
		}
	}
	if _, err := readyURL("8080"); err == nil || !strings.Contains(err.Error(), "CHANCE_ADDR") {
		t.Errorf("a port without a colon: %v", err)
	}
}

// The binary's exit status is what a container healthcheck reads: 0 on 2xx, 1 on
// anything else, on a refused connection and on a server that does not answer in time.
func TestProbeExitStatus(t *testing.T) {
	var ready atomic.Bool
	ready.Store(true)
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/hang":
			<-r.Context().Done() // until the probe gives up
		case r.URL.Path == "/redirect":
			http.Redirect(w, r, "/readyz", http.StatusFound)
		case r.URL.Path == "/readyz" && ready.Load():
			w.Write([]byte(`{"status":"ready"}`))
		default:
			w.WriteHeader(http.StatusServiceUnavailable)
			w.Write([]byte(`{"status":"starting","detail":"2 read models are catching up"}`))
		}
	}))
	defer server.Close()
	_, port, _ := net.SplitHostPort(server.Listener.Addr().String())
	env := func(addr string) []string {
		out := []string{"CHANCE_ADDR=" + addr}
		for _, kv := range os.Environ() {
			if !strings.HasPrefix(kv, "CHANCE_") {
				out = append(out, kv)
			}
		}
		return out
	}

	// No URL: the /readyz of CHANCE_ADDR, asked on 127.0.0.1 when it listens everywhere.
	if out, errOut, status := runChanceWith(t, env("0.0.0.0:"+port), "probe"); status != 0 || !strings.Contains(out, "200 OK") {
		t.Fatalf("probe of a ready process: exit %d\n%s%s", status, out, errOut)
	}
	ready.Store(false)
	out, errOut, status := runChanceWith(t, env("0.0.0.0:"+port), "probe")
	if status != 1 || !strings.Contains(errOut, "503") || !strings.Contains(errOut, "catching up") {
		t.Fatalf("probe of a process still starting: exit %d\n%s%s", status, out, errOut)
	}
	for name, args := range map[string][]string{
		"a redirect is not followed": {"probe", server.URL + "/redirect"},
		"a hanging server":           {"probe", "--timeout", "200ms", server.URL + "/hang"},
		"a closed port":              {"probe", "http://" + closedAddr(t) + "/readyz"},
	} {
		if out, errOut, status := runChanceWith(t, env("127.0.0.1:"+port), args...); status != 1 {
			t.Errorf("%s: exit %d, want 1\n%s%s", name, status, out, errOut)
		}
	}
	if out, errOut, status := runChanceWith(t, env("127.0.0.1:"+port), "probe", server.URL+"/healthz"); status != 1 {
		t.Errorf("an explicit URL answering 503: exit %d\n%s%s", status, out, errOut)
	}
}

// closedAddr is a loopback address nothing listens on (a port just freed).
func closedAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}
