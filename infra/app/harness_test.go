package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/chance-video/chance/commands"
	"github.com/chance-video/chance/infra/app"
	"github.com/chance-video/chance/infra/auth"
	"github.com/chance-video/chance/infra/clock"
	"github.com/chance-video/chance/infra/config"
	"github.com/chance-video/chance/infra/observe"
)

var start = time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)

// shop is the whole application on a temp data folder, served by httptest.
type shop struct {
	t      *testing.T
	cfg    config.Config
	dir    string
	clock  *clock.Manual
	app    *app.App
	server *httptest.Server
	stop   func()
	opts   []commands.Option // for the command service, on every open
	// prepare, if set, changes the App between Open and Run (a failing sender, say).
	prepare func(a *app.App)
	// tracing, if set, records the shop's spans (tracing_test.go).
	tracing *observe.Tracing
}

func newShop(t *testing.T) *shop { return newShopOn(t, embedded) }

// backend chooses the adapters a shop runs on.
type backend func(t *testing.T, cfg *config.Config)

// embedded is the default: SQLite event store and read models.
func embedded(*testing.T, *config.Config) {}

func newShopOn(t *testing.T, b backend, opts ...commands.Option) *shop {
	return newShopWith(t, b, nil, opts...)
}

// newShopWith lets prepare change the App between Open and Run.
func newShopWith(t *testing.T, b backend, prepare func(a *app.App), opts ...commands.Option) *shop {
	t.Helper()
	sh := &shop{t: t, dir: t.TempDir(), clock: clock.NewManual(start), cfg: config.Defaults(), prepare: prepare, opts: opts}
	sh.cfg.DataDir, sh.cfg.Demo, sh.cfg.SchedulerInterval = sh.dir, false, time.Hour // the test ticks the scheduler itself
	sh.cfg.RecoveryInterval = time.Hour                                              // and makes the recovery passes itself
	b(t, &sh.cfg)
	sh.open()
	return sh
}

func (sh *shop) open() {
	sh.t.Helper()
	cfg := sh.cfg
	// Errors go to stderr, which go test shows only for a failing package: a rare failure
	// then says what the shop logged.
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	a, err := app.OpenTraced(cfg, sh.clock, log, sh.tracing, sh.opts...) // nil tracing: as configured (off)
	if err != nil {
		sh.t.Fatal(err)
	}
	if sh.prepare != nil {
		sh.prepare(a)
	}
	handler, err := a.Handler(app.HTTPOptions{Hasher: auth.Hasher{Params: auth.FastParamsForTests}})
	if err != nil {
		sh.t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	sh.app, sh.server = a, httptest.NewServer(handler)
	select {
	case <-a.Ready():
	case <-time.After(30 * time.Second):
		sh.t.Fatal("the app did not become ready within 30 s")
	}
	var once sync.Once
	server := sh.server
	sh.stop = func() {
		once.Do(func() {
			server.Close()
			cancel()
			if err := <-done; err != nil {
				sh.t.Errorf("app stopped with: %v", err)
			}
			if err := a.Close(); err != nil {
				sh.t.Errorf("close: %v", err)
			}
		})
	}
	stop := sh.stop
	sh.t.Cleanup(stop)
}

// restart stops everything and opens the same data folder again.
func (sh *shop) restart() {
	sh.t.Helper()
	sh.stop()
	sh.open()
}

// settle waits until every projection and the notifier have applied the whole log: the
// senders have then handled (or dead-lettered) every message, so the inbox is full.
func (sh *shop) settle() {
	sh.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	head, err := sh.app.Events.Head(ctx)
	if err != nil {
		sh.t.Fatal(err)
	}
	if err := sh.app.Runner.Progress().Wait(ctx, head); err != nil {
		sh.t.Fatalf("projections did not reach %s: %v", head, err)
	}
	if err := sh.app.Delivered(ctx, head); err != nil {
		sh.t.Fatal(err)
	}
}

// call is one HTTP request; key is the Idempotency-Key ("" for none).
type call struct {
	method, path, token, key string
	body                     any
	header                   map[string]string
}

type reply struct {
	status int
	header http.Header
	raw    []byte
}

func (r reply) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.raw, &m); err != nil {
		t.Fatalf("not a JSON object (%d): %s", r.status, r.raw)
	}
	return m
}

func (sh *shop) do(c call) reply {
	sh.t.Helper()
	var body io.Reader
	if c.body != nil {
		if s, ok := c.body.(string); ok {
			body = bytes.NewBufferString(s)
		} else {
			data, _ := json.Marshal(c.body)
			body = bytes.NewReader(data)
		}
	}
	req, err := http.NewRequest(c.method, sh.server.URL+"/api/v1"+c.path, body)
	if err != nil {
		sh.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	if c.key != "" {
		req.Header.Set("Idempotency-Key", c.key)
	}
	for k, v := range c.header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		sh.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return reply{status: resp.StatusCode, header: resp.Header, raw: raw}
}

// expect makes a request and checks its status.
func (sh *shop) expect(status int, c call) map[string]any {
	sh.t.Helper()
	r := sh.do(c)
	if r.status != status {
		sh.t.Fatalf("%s %s: status %d, want %d: %s", c.method, c.path, r.status, status, r.raw)
	}
	if len(r.raw) == 0 || r.raw[0] != '{' {
		return nil
	}
	return r.json(sh.t)
}

// seed loads the demo catalogue and waits for the read models to have it: an
// anonymous search waits for no write of its own.
func (sh *shop) seed() {
	sh.t.Helper()
	if _, err := sh.app.Seed(context.Background()); err != nil {
		sh.t.Fatal(err)
	}
	sh.settle()
}

// signUp registers and signs in a customer, returning the token.
func (sh *shop) signUp(email string) string {
	sh.t.Helper()
	sh.expect(http.StatusCreated, call{method: "POST", path: "/register", body: map[string]string{
		"email": email, "password": "correct horse battery", "first_name": "Анна", "last_name": "Каренина"}})
	return sh.signIn(email)
}

func (sh *shop) signIn(email string) string {
	sh.t.Helper()
	out := sh.expect(http.StatusOK, call{method: "POST", path: "/login", body: map[string]string{"email": email, "password": "correct horse battery"}})
	return out["token"].(string)
}

// grant gives a registered user a role (as `chance users grant-role` does).
func (sh *shop) grant(email, role string) {
	sh.t.Helper()
	ctx := context.Background()
	u, err := sh.app.Commands.Lookup().UserByEmail(ctx, email)
	if err != nil {
		sh.t.Fatal(err)
	}
	if _, err := sh.app.Commands.GrantRole(ctx, u.ID, role, commands.Request{}); err != nil {
		sh.t.Fatal(err)
	}
}

func num(v any) int64 {
	f, _ := v.(float64)
	return int64(f)
}

func urlEscape(s string) string { return (&url.URL{Path: s}).EscapedPath() }
