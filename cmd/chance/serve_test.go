package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
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

// serve publishes the demo catalogue on an empty store, stops cleanly on SIGTERM, and
// serves the same catalogue (not a second copy) after a restart.
func TestServeSeedsStopsAndRestarts(t *testing.T) {
	cfg := config.Defaults()
	cfg.DataDir = t.TempDir()
	cfg.ReadWait = 5 * time.Second
	search := "/search/?q=" + url.QueryEscape("Маузер")

	base, stop := startServe(t, cfg)
	total := getJSON(t, base+"/search/?limit=1")["total"].(float64)
	for total < 30 { // the catalogue is projected moments after the start
		total = getJSON(t, base+"/search/?limit=1")["total"].(float64)
	}
	mauser := getJSON(t, base+search)["total"].(float64)
	if mauser < 3 {
		t.Fatalf("«Маузер» finds %v premieres", mauser)
	}
	if err := stop(); err != nil {
		t.Fatalf("serve returned %v on SIGTERM", err)
	}

	base, stop = startServe(t, cfg)
	defer stop()
	again := getJSON(t, base+"/search/?limit=1")["total"].(float64)
	for again < total {
		again = getJSON(t, base+"/search/?limit=1")["total"].(float64)
	}
	if again != total {
		t.Fatalf("after a restart the catalogue has %v premieres, before %v", again, total)
	}
}
