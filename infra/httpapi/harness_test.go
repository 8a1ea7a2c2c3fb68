package httpapi_test

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/commands"
	"github.com/chance-video/chance/domain/money"
	"github.com/chance-video/chance/domain/premiere"
	"github.com/chance-video/chance/domain/pricing"
	"github.com/chance-video/chance/eventlog"
	"github.com/chance-video/chance/infra/auth"
	"github.com/chance-video/chance/infra/clock"
	"github.com/chance-video/chance/infra/eventstore/eventsqlite"
	"github.com/chance-video/chance/infra/httpapi"
	"github.com/chance-video/chance/infra/observe"
	"github.com/chance-video/chance/infra/readstore/readsqlite"
	"github.com/chance-video/chance/projections"
	"github.com/chance-video/chance/queries"
	"github.com/chance-video/chance/readmodel/all"
	"github.com/chance-video/chance/usecase"
)

var start = time.Date(2026, 12, 1, 18, 0, 0, 0, time.UTC)

const tokenTTL = 24 * time.Hour

// harness is the API over the real embedded stores, with projections running and a
// manual clock. Tests talk to it through ServeHTTP: no network, no sleeps.
type harness struct {
	t        *testing.T
	api      http.Handler
	clock    *clock.Manual
	cmd      *commands.Service
	progress *projections.Progress
	events   *eventsqlite.Store
	gate     *gate
	tokens   *auth.Tokens // signs with the API's own key, for forged-but-valid tokens
}

// newHarness builds the harness; options change the API's dependencies.
// Registrations are not limited unless an option says so: tests sign many
// customers up from the one test address.
func newHarness(t *testing.T, options ...func(*httpapi.Deps)) *harness {
	t.Helper()
	return newHarnessWith(t, setup{}, options...)
}

// setup changes what the harness builds beneath the API.
type setup struct {
	// wrap, if set, is what commands write through (given the event store), so a test
	// can watch or fail appends; projections still follow the store itself.
	wrap func(commands.EventStore) commands.EventStore
	// hooks run around every command and query.
	hooks usecase.Hooks
	// channels are the notification channels the shop sends on beyond the inbox and
	// email (commands.WithChannels); none if empty.
	channels []string
	// payments, if set, takes top-ups through a provider; testPay serves the test
	// provider's page over the read store.
	payments *commands.Payments
	testPay  bool
	// readWait bounds a read's wait for the projections (30 s if zero).
	readWait time.Duration
}

func newHarnessWith(t *testing.T, with setup, options ...func(*httpapi.Deps)) *harness {
	t.Helper()
	wrap := with.wrap
	dir := t.TempDir()
	events, err := eventsqlite.Open(filepath.Join(dir, "events.db"))
	if err != nil {
		t.Fatal(err)
	}
	reads, err := readsqlite.Open(filepath.Join(dir, "read"))
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, clock: clock.NewManual(start), gate: &gate{}, events: events}
	var written commands.EventStore = events
	if wrap != nil {
		written = wrap(events)
	}
	opts := []commands.Option{commands.WithStepHook(h.gate.step), commands.WithChannels(append([]string{"email"}, with.channels...)...)}
	if with.payments != nil {
		opts = append(opts, commands.WithPayments(*with.payments))
	}
	h.cmd = commands.New(written, h.clock, opts...)
	runner := projections.NewRunner(events, reads, all.Projectors()...)
	h.progress = runner.Progress()
	ctx, cancel := context.WithCancel(context.Background())
	ran := make(chan error, 1)
	go func() { ran <- runner.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-ran; err != nil && !errors.Is(err, context.Canceled) {
			t.Errorf("projections: %v", err)
		}
		reads.Close()
		events.Close()
	})
	// A generous bound: reads wait only as long as the projections need, and a
	// test must never see a stale read.
	readWait := cmp.Or(with.readWait, 30*time.Second)
	q, err := queries.New(reads, h.clock, h.progress, queries.Options{MaxWait: readWait})
	if err != nil {
		t.Fatal(err)
	}
	tokens, err := auth.NewTokens([]byte("0123456789abcdef0123456789abcdef"), tokenTTL, h.clock.Now)
	if err != nil {
		t.Fatal(err)
	}
	h.tokens = tokens
	limiter, err := auth.NewLoginLimiterWithLimits(auth.DefaultLoginLimits, h.clock.Now)
	if err != nil {
		t.Fatal(err)
	}
	signUps, err := auth.NewRegistrationLimiter(auth.RegistrationLimits{PerAddr: 1000, Burst: 1000}, h.clock.Now)
	if err != nil {
		t.Fatal(err)
	}
	deps := httpapi.Deps{Commands: commands.NewHandlers(h.cmd, with.hooks), Hooks: with.hooks, Queries: q, Tokens: tokens, Hasher: auth.NewBoundedHasher(auth.Hasher{Params: auth.FastParamsForTests}, 4),
		Limiter: limiter, Registrations: signUps, Clock: h.clock, Ops: httpapi.Ops{Metrics: observe.NewMetrics().Handler()}}
	if with.testPay {
		deps.TestPay = &httpapi.TestPayPage{Find: reads.Payment, ReturnURL: func(p uuid.UUID) string { return "/#/wallet?payment=" + p.String() }}
	}
	for _, o := range options {
		o(&deps)
	}
	h.api, err = httpapi.New(deps)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// gate holds a command flow at a named step until released, so a test can have a
// request in flight at a known point without timing.
type gate struct {
	mu      sync.Mutex
	at      string
	entered chan struct{}
	release chan struct{}
}

// arm makes the next flow that reaches step wait there.
func (g *gate) arm(step string) (entered <-chan struct{}, release func()) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.at, g.entered, g.release = step, make(chan struct{}), make(chan struct{})
	return g.entered, func() { close(g.release) }
}

func (g *gate) step(name string) error {
	g.mu.Lock()
	hit := g.at == name
	entered, release := g.entered, g.release
	if hit {
		g.at = ""
	}
	g.mu.Unlock()
	if hit {
		close(entered)
		<-release
	}
	return nil
}

// response is a recorded answer with its JSON body decoded.
type response struct {
	Code   int
	Header http.Header
	Raw    []byte
	JSON   map[string]any
}

// req is a request to send; Body is a string sent as is, or a value sent as JSON.
type req struct {
	Method, Path, Token, Key string
	Body                     any
	Header                   map[string]string
	Headers                  http.Header // added value by value: a name may repeat
	RemoteAddr               string      // the client's address; a fixed test address if empty
}

func (h *harness) send(r req) response {
	h.t.Helper()
	var body []byte
	switch b := r.Body.(type) {
	case nil:
	case string:
		body = []byte(b)
	default:
		var err error
		if body, err = json.Marshal(b); err != nil {
			h.t.Fatal(err)
		}
	}
	hr := httptest.NewRequest(r.Method, httpapi.Prefix+r.Path, bytes.NewReader(body))
	hr.RemoteAddr = "192.0.2.10:40000"
	if r.RemoteAddr != "" {
		hr.RemoteAddr = r.RemoteAddr
	}
	if body != nil {
		hr.Header.Set("Content-Type", "application/json")
	}
	if r.Token != "" {
		hr.Header.Set("Authorization", "Bearer "+r.Token)
	}
	if r.Key != "" {
		hr.Header.Set("Idempotency-Key", r.Key)
	}
	for k, v := range r.Header {
		hr.Header.Set(k, v)
	}
	for k, vs := range r.Headers {
		for _, v := range vs {
			hr.Header.Add(k, v)
		}
	}
	w := httptest.NewRecorder()
	h.api.ServeHTTP(w, hr)
	res := response{Code: w.Code, Header: w.Header(), Raw: w.Body.Bytes()}
	if strings.Contains(w.Header().Get("Content-Type"), "json") && w.Body.Len() > 0 {
		if err := json.Unmarshal(w.Body.Bytes(), &res.JSON); err != nil {
			h.t.Fatalf("%s %s: body is not a JSON object: %v\n%s", r.Method, r.Path, err, w.Body.String())
		}
	}
	return res
}

func (h *harness) get(path, token string) response {
	h.t.Helper()
	return h.send(req{Method: http.MethodGet, Path: path, Token: token})
}

func (h *harness) post(path, token, key string, body any) response {
	h.t.Helper()
	return h.send(req{Method: http.MethodPost, Path: path, Token: token, Key: key, Body: body})
}

// want fails unless the response has the status; it returns the response for chaining.
func (r response) want(t *testing.T, status int) response {
	t.Helper()
	if r.Code != status {
		t.Fatalf("status %d, want %d; body: %s", r.Code, status, r.Raw)
	}
	return r
}

// problem checks an RFC 9457 answer: content type, members, and that detail
// mentions each of the given fragments.
func (r response) problem(t *testing.T, status int, detailHas ...string) response {
	t.Helper()
	r.want(t, status)
	if ct := r.Header.Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("content type %q, want application/problem+json; body %s", ct, r.Raw)
	}
	if r.JSON["status"] != float64(status) || r.JSON["title"] == "" || r.JSON["type"] == "" || r.JSON["instance"] == "" {
		t.Fatalf("problem lacks standard members: %s", r.Raw)
	}
	detail, _ := r.JSON["detail"].(string)
	for _, part := range detailHas {
		if !strings.Contains(detail, part) {
			t.Fatalf("detail %q does not mention %q", detail, part)
		}
	}
	return r
}

func (r response) str(key string) string { s, _ := r.JSON[key].(string); return s }

func (r response) num(key string) int64 { f, _ := r.JSON[key].(float64); return int64(f) }

func (r response) items(t *testing.T) []map[string]any {
	t.Helper()
	raw, ok := r.JSON["items"].([]any)
	if !ok {
		t.Fatalf("no items array in %s", r.Raw)
	}
	out := make([]map[string]any, len(raw))
	for i, it := range raw {
		out[i] = it.(map[string]any)
	}
	return out
}

// customer registers and signs in a new customer.
func (h *harness) customer(name string) (token string, id uuid.UUID) {
	h.t.Helper()
	email := fmt.Sprintf("%s-%s@example.ru", name, uuid.NewString()[:8])
	reg := h.post("/register", "", "", map[string]string{"email": email, "password": "correct horse", "first_name": name, "last_name": "Тестов"}).
		want(h.t, http.StatusCreated)
	id = uuid.MustParse(reg.str("id"))
	login := h.post("/login", "", "", map[string]string{"email": email, "password": "correct horse"}).want(h.t, http.StatusOK)
	return login.str("token"), id
}

// withRole registers a user, grants role on the write side and signs in.
func (h *harness) withRole(name, role string) string {
	h.t.Helper()
	email := fmt.Sprintf("%s-%s@example.ru", name, uuid.NewString()[:8])
	reg := h.post("/register", "", "", map[string]string{"email": email, "password": "correct horse", "first_name": name, "last_name": "Тестов"}).
		want(h.t, http.StatusCreated)
	if _, err := h.cmd.GrantRole(context.Background(), uuid.MustParse(reg.str("id")), role, commands.Request{}); err != nil {
		h.t.Fatal(err)
	}
	return h.post("/login", "", "", map[string]string{"email": email, "password": "correct horse"}).want(h.t, http.StatusOK).str("token")
}

// publish puts a premiere on sale through the commands and waits until the read
// models show it.
func (h *harness) publish(title string, actors []string, online money.Kopecks, hours, discount int) uuid.UUID {
	h.t.Helper()
	id := uuid.New()
	_, pos, err := h.cmd.Premiere(context.Background(), id, premiere.Publish{ID: id, Card: premiere.Card{Title: title, Actors: actors,
		Description: "Премьера сезона"}, TheaterPrice: 300000, Terms: pricing.Terms{OnlinePrice: online, StandardHours: hours, DiscountPercent: discount},
		Now: h.clock.Now()}, commands.Request{})
	if err != nil {
		h.t.Fatal(err)
	}
	h.settle(pos)
	return id
}

// settle waits until the projections have applied the log up to pos.
func (h *harness) settle(pos eventlog.Position) {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := h.progress.Wait(ctx, pos); err != nil {
		h.t.Fatal(err)
	}
}

// fill tops up a customer's balance through the API.
func (h *harness) fill(token string, amount money.Kopecks) {
	h.t.Helper()
	h.post("/billing/fill", token, uuid.NewString(), map[string]any{"summ": amount}).want(h.t, http.StatusCreated)
}

func (h *harness) balance(token string) int64 {
	h.t.Helper()
	return h.get("/billing/amount", token).want(h.t, http.StatusOK).num("balance")
}

// raw sends a request outside the API prefix (health endpoints).
func (h *harness) raw(method, path string) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	h.api.ServeHTTP(w, httptest.NewRequest(method, path, nil))
	return w
}
