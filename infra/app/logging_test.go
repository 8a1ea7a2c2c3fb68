package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chance-video/chance/infra/app"
	"github.com/chance-video/chance/infra/auth"
	"github.com/chance-video/chance/infra/clock"
	"github.com/chance-video/chance/infra/config"
	"github.com/chance-video/chance/infra/observe"
)

// syncBuffer is written by the server's goroutines and read by the test.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// With CHANCE_LOG_FORMAT=json every line the shop writes while answering a request —
// the request line, the use cases' lines, a failure — is a JSON object naming the
// request and its correlation id, though no call site passes them.
func TestJSONLogLinesOfARequestNameIt(t *testing.T) {
	cfg := config.Defaults()
	cfg.DataDir, cfg.Demo, cfg.SchedulerInterval, cfg.RecoveryInterval = t.TempDir(), false, time.Hour, time.Hour
	cfg.LogFormat, cfg.LogLevel = "json", "debug"
	var out syncBuffer
	level, err := observe.ParseLogLevel(cfg.LogLevel)
	if err != nil {
		t.Fatal(err)
	}
	log, err := observe.NewLogger(&out, cfg.LogFormat, level)
	if err != nil {
		t.Fatal(err)
	}
	a, err := app.Open(cfg, clock.NewManual(start), log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = a.Close() })
	handler, err := a.Handler(app.HTTPOptions{Hasher: auth.Hasher{Params: auth.FastParamsForTests}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	<-a.Ready()
	server := httptest.NewServer(handler)
	t.Cleanup(server.Close)

	req, _ := http.NewRequest(http.MethodPost, server.URL+"/api/v1/register", strings.NewReader(
		`{"email":"ids@example.ru","password":"correct horse battery","first_name":"Ида","last_name":"Иванова"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Request-Id", "req-logs-1")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("register: %d", resp.StatusCode)
	}

	var ofRequest []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("not a JSON line: %q", l)
		}
		if m["request_id"] == "req-logs-1" {
			ofRequest = append(ofRequest, m)
		}
	}
	var sawUseCase, sawRequest bool
	for _, m := range ofRequest {
		if m["correlation_id"] != "req-logs-1" {
			t.Errorf("line without the correlation id: %v", m)
		}
		sawUseCase = sawUseCase || m["use_case"] == "register"
		sawRequest = sawRequest || (m["msg"] == "request" && m["route"] == "/api/v1/register")
	}
	if !sawUseCase || !sawRequest {
		t.Fatalf("the request's lines (use case %v, request %v):\n%s", sawUseCase, sawRequest, out.String())
	}
}
