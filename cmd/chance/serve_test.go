package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chance-video/chance/infra/config"
)

// startServe runs serve on a free port and returns its base URL and a stop function
// that cancels the context as SIGTERM does and returns serve's result.
func startServe(t *testing.T, cfg config.Config) (string, func() error) {
	t.Helper()
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- serveOn(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), listener) }()
	return "http://" + listener.Addr().String() + "/api/v1", func() error {
		cancel()
		select {
		case err := <-done:
			return err
		case <-time.After(30 * time.Second):
			t.Fatal("serve did not stop within 30 s of SIGTERM")
			return nil
		}
	}
}

func getJSON(t *testing.T, u string) map[string]any {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %v", u, resp.StatusCode, err)
	}
	return out
}

// untilReady asks for u until it answers 200 and returns that answer. Every answer before
// it must be a 503 with Retry-After: a server that has not caught up with its log must
// not answer from half-built read models. It polls, as a client honouring Retry-After
// would (faster, to keep the test short).
func untilReady(t *testing.T, u string) map[string]any {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		switch {
		case resp.StatusCode == http.StatusOK:
			var out map[string]any
			if err := json.Unmarshal(body, &out); err != nil {
				t.Fatalf("GET %s: %v: %s", u, err, body)
			}
			return out
		case resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "":
			t.Fatalf("GET %s while starting: %d %s", u, resp.StatusCode, body)
		case time.Now().After(deadline):
			t.Fatalf("GET %s: still %d after 30 s: %s", u, resp.StatusCode, body)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// serve publishes the demo catalogue on an empty store, stops cleanly on SIGTERM, and
// serves the same catalogue (not a second copy) after a restart. Its first answers are
// already complete: a search at once used to find nothing (the server listened before
// its read models had caught up).
func TestServeSeedsStopsAndRestarts(t *testing.T) {
	cfg := config.Defaults()
	cfg.DataDir = t.TempDir()
	cfg.ReadWait = 5 * time.Second
	search := "/search/?q=" + url.QueryEscape("Маузер")

	base, stop := startServe(t, cfg)
	if mauser := untilReady(t, base+search)["total"].(float64); mauser < 3 {
		t.Fatalf("the first answer of «Маузер» finds %v premieres", mauser)
	}
	total := getJSON(t, base+"/search/?limit=1")["total"].(float64)
	if total < 30 {
		t.Fatalf("the demo catalogue has %v premieres", total)
	}
	root := strings.TrimSuffix(base, "/api/v1")
	if h := getJSON(t, root+"/healthz"); h["status"] != "ok" {
		t.Fatalf("healthz: %v", h)
	}
	if r := getJSON(t, root+"/readyz"); r["status"] != "ready" {
		t.Fatalf("readyz: %v", r)
	}
	if err := stop(); err != nil {
		t.Fatalf("serve returned %v on SIGTERM", err)
	}

	base, stop = startServe(t, cfg)
	defer stop()
	if again := untilReady(t, base+"/search/?limit=1")["total"].(float64); again != total {
		t.Fatalf("after a restart the first answer has %v premieres, before %v", again, total)
	}
}
