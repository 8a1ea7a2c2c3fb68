package httpapi_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/infra/httpapi"
	"github.com/chance-video/chance/usecase"
)

// records keeps every log record, at every level.
type records struct {
	mu   sync.Mutex
	list []slog.Record
}

func (r *records) Enabled(context.Context, slog.Level) bool { return true }
func (r *records) Handle(_ context.Context, rec slog.Record) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.list = append(r.list, rec.Clone())
	return nil
}
func (r *records) WithAttrs([]slog.Attr) slog.Handler { return r }
func (r *records) WithGroup(string) slog.Handler      { return r }

func (r *records) take() []slog.Record {
	r.mu.Lock()
	defer r.mu.Unlock()
	l := r.list
	r.list = nil
	return l
}

func attr(rec slog.Record, key string) string {
	var v string
	rec.Attrs(func(a slog.Attr) bool {
		if a.Key == key {
			v = a.Value.String()
			return false
		}
		return true
	})
	return v
}

// brokenBody is a request body whose client hangs up half-way.
type brokenBody struct{ sent bool }

func (b *brokenBody) Read(p []byte) (int, error) {
	if b.sent {
		return 0, io.ErrUnexpectedEOF
	}
	b.sent = true
	return copy(p, `{"summ": 10`), nil
}

// A client's mistakes are refusals (Debug), a client hanging up is Info; neither is
// an Error: a hostile client must not be able to fill the error log or page anyone.
func TestAClientsMistakeIsNoFailure(t *testing.T) {
	logs := &records{}
	// The use cases log too (usecase.Hooks), as in the shop: a refusal there is no failure either.
	h := newHarnessWith(t, setup{hooks: usecase.Hooks{Logger: slog.New(logs)}}, func(d *httpapi.Deps) { d.Logger = slog.New(logs) })
	token, _ := h.customer("vera")
	later := h.publish("Маузер", nil, 24000, 24, 0)
	h.fill(token, 100_000)
	tomorrow := h.clock.Now().Add(24 * time.Hour).Format(time.RFC3339)
	rental := h.post("/rent/", token, "rent-later", map[string]any{"id": later, "period": 24, "starts_at": tomorrow}).
		want(t, http.StatusCreated).str("rental_id")
	logs.take()

	mistakes := []struct {
		name   string
		do     func() response
		status int
	}{
		{"bad input", func() response { return h.post("/rent/", token, "k1", map[string]any{"id": later, "period": 0}) }, 400},
		{"not JSON", func() response { return h.post("/billing/fill", token, "k2", "{summ") }, 400},
		{"unknown id", func() response { return h.get("/premiere/"+uuid.NewString(), "") }, 404},
		{"unknown rental", func() response {
			return h.post("/rent/"+uuid.NewString()+"/term", token, "k3", map[string]any{"period": 48})
		}, 404},
		{"conflict", func() response { return h.post("/rent/", token, "k4", map[string]any{"id": later, "period": 24}) }, 409},
		{"reused key", func() response { return h.post("/billing/fill", token, "k5", map[string]any{"summ": 100}) }, 0},
		{"reused key, other body", func() response { return h.post("/billing/fill", token, "k5", map[string]any{"summ": 200}) }, 422},
		{"notification to a shop that takes none", func() response {
			return h.post("/payments/yookassa/notifications", "", "", map[string]any{"type": "notification", "event": "payment.succeeded", "object": map[string]any{"id": "x"}})
		}, 404},
		{"watch outside the term", func() response { return h.post("/rentals/"+rental+"/watch", token, "", nil) }, 403},
		{"not signed in", func() response { return h.get("/billing/amount", "") }, 401},
		{"bad token", func() response { return h.get("/billing/amount", "not-a-token") }, 401},
	}
	for _, m := range mistakes {
		r := m.do()
		if m.status != 0 {
			r.want(t, m.status)
		}
		for _, rec := range logs.take() {
			if rec.Level > slog.LevelDebug && !(m.status == 0 && rec.Level == slog.LevelInfo) {
				t.Errorf("%s: logged %q at %s (%s %s), want Debug", m.name, rec.Message, rec.Level, attr(rec, "status"), attr(rec, "error"))
			}
		}
	}

	// A client that hangs up mid-body is no failure of ours: Info.
	hr := httptest.NewRequest(http.MethodPost, httpapi.Prefix+"/billing/fill", &brokenBody{})
	hr.Header.Set("Authorization", "Bearer "+token)
	hr.Header.Set("Idempotency-Key", "gone-1")
	h.api.ServeHTTP(httptest.NewRecorder(), hr)
	// So is one whose connection closed while the shop worked on the request.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	hr = httptest.NewRequest(http.MethodGet, httpapi.Prefix+"/billing/amount", nil).WithContext(ctx)
	hr.Header.Set("Authorization", "Bearer "+token)
	hr.Header.Set("X-Chance-Min-Position", "999999999")
	h.api.ServeHTTP(httptest.NewRecorder(), hr)
	var requests int
	for _, rec := range logs.take() {
		if rec.Level > slog.LevelInfo || rec.Message == "request" && rec.Level != slog.LevelInfo {
			t.Errorf("client gone: logged %q at %s (%s %s), want Info", rec.Message, rec.Level, attr(rec, "status"), attr(rec, "error"))
		}
		if rec.Message == "request" {
			requests++
		}
	}
	if requests != 2 {
		t.Errorf("%d request lines for the two clients that went away, want 2", requests)
	}
}

// A signed-in client may name a position to wait for; one beyond the log is its own
// doing: the read waits its bounded time, is answered from what the read models have,
// and logs nothing above Debug (each such read would otherwise write a warning).
func TestAPositionBeyondTheLogIsNoWarning(t *testing.T) {
	logs := &records{}
	h := newHarnessWith(t, setup{readWait: 50 * time.Millisecond}, func(d *httpapi.Deps) { d.Logger = slog.New(logs) })
	token, _ := h.customer("vera")
	h.fill(token, 100_000)
	logs.take()
	r := h.send(req{Method: http.MethodGet, Path: "/billing/amount/", Token: token, Header: map[string]string{"X-Chance-Min-Position": "999999999"}})
	if r.want(t, http.StatusOK).num("balance") != 100_000 {
		t.Fatalf("balance %s", r.Raw)
	}
	var behind bool
	for _, rec := range logs.take() {
		behind = behind || rec.Message == "answering from read models still behind"
		if rec.Level > slog.LevelInfo {
			t.Errorf("logged %q at %s, want Debug", rec.Message, rec.Level)
		}
	}
	if !behind {
		t.Error("the read did not say it answered from read models behind the named position")
	}
}
