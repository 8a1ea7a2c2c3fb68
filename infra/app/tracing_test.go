package app_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"go.opentelemetry.io/otel"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/chance-video/chance/eventlog"
	"github.com/chance-video/chance/infra/clock"
	"github.com/chance-video/chance/infra/config"
	"github.com/chance-video/chance/infra/observe"
)

// newTracedShop is newShop with its spans recorded.
func newTracedShop(t *testing.T, tracing *observe.Tracing) *shop {
	t.Helper()
	sh := &shop{t: t, dir: t.TempDir(), clock: clock.NewManual(start), cfg: config.Defaults(), tracing: tracing}
	sh.cfg.DataDir, sh.cfg.Demo, sh.cfg.SchedulerInterval, sh.cfg.RecoveryInterval = sh.dir, false, time.Hour, time.Hour
	sh.open()
	return sh
}

// spansOf waits until the trace holds spans with each of the names (the projections
// and consumers end theirs after the request), then returns them by name.
func spansOf(t *testing.T, rec *tracetest.SpanRecorder, id trace.TraceID, names ...string) map[string]sdktrace.ReadOnlySpan {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		byName := map[string]sdktrace.ReadOnlySpan{}
		for _, s := range rec.Ended() {
			if s.SpanContext().TraceID() == id {
				byName[s.Name()] = s
			}
		}
		missing := ""
		for _, n := range names {
			if _, ok := byName[n]; !ok {
				missing = n
			}
		}
		if missing == "" {
			return byName
		}
		if time.Now().After(deadline) {
			var have []string
			for n := range byName {
				have = append(have, n)
			}
			t.Fatalf("the trace has no span %q; it has %v", missing, have)
		}
		time.Sleep(5 * time.Millisecond) // spans end on other goroutines; nothing to wait on
	}
}

// One rent is one trace: the HTTP request, the command, its appends, the projections
// applying the events and the notification sent to the inbox, across the forwarder
// and the bus, share one trace id.
func TestOneRentIsOneTrace(t *testing.T) {
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	t.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
	sh := newTracedShop(t, observe.NewTracingWith(tp))
	premieres := sh.publish(1)
	token := sh.signUp("tanya@example.ru")
	sh.expect(http.StatusCreated, call{method: "POST", path: "/billing/fill", token: token, key: "fund", body: map[string]any{"summ": 100_000}})
	sh.settle()

	r := sh.do(call{method: "POST", path: "/rent", token: token, key: "rent", body: map[string]any{"id": premieres[0], "period": 2},
		header: map[string]string{"X-Request-Id": "rent-traced"}})
	if r.status != http.StatusCreated {
		t.Fatalf("rent: %d %s", r.status, r.raw)
	}
	sh.settle()
	var root sdktrace.ReadOnlySpan
	for _, s := range rec.Ended() {
		if s.Name() == "POST /api/v1/rent" {
			root = s
		}
	}
	if root == nil {
		t.Fatal("no span for the HTTP request")
	}
	spans := spansOf(t, rec, root.SpanContext().TraceID(), "command rent", "eventstore.append", "project rentals_v1",
		"consume chance.notify-policy.rentals", "consume chance.send-notify.inbox")
	if root.SpanKind() != trace.SpanKindServer || root.Parent().IsValid() {
		t.Errorf("the HTTP span is a %v with parent %v", root.SpanKind(), root.Parent())
	}
	command := spans["command rent"]
	if command.Parent().SpanID() != root.SpanContext().SpanID() {
		t.Error("the command is not the request's child")
	}
	for _, s := range rec.Ended() {
		if s.Name() == "eventstore.append" && s.SpanContext().TraceID() == root.SpanContext().TraceID() && s.Parent().SpanID() != command.SpanContext().SpanID() {
			t.Error("an append of the rent is not the command's child")
		}
	}
	if p := spans["project rentals_v1"].Parent(); !p.IsRemote() {
		t.Errorf("the projection's parent %v is not the append, carried in the event", p)
	}
	if spans["consume chance.send-notify.inbox"].Parent().SpanID() != spans["consume chance.notify-policy.rentals"].SpanContext().SpanID() {
		t.Error("the inbox's span is not the child of the policy's that published its message")
	}
	var withStatus bool
	for _, a := range root.Attributes() {
		withStatus = withStatus || (a.Key == "http.response.status_code" && a.Value.AsInt64() == 201)
	}
	if !withStatus {
		t.Errorf("HTTP span attributes %v", root.Attributes())
	}

	// The events carry the trace context, so a projection rebuilt later still knows
	// where each event came from.
	records, err := sh.app.Events.ReadAll(context.Background(), eventlog.Start, 1000)
	if err != nil {
		t.Fatal(err)
	}
	var traced int
	for _, r := range records {
		if strings.Contains(r.Metadata.TraceParent, root.SpanContext().TraceID().String()) {
			traced++
		}
	}
	if traced == 0 {
		t.Fatal("no event of the rent carries its trace context")
	}
}

// otlpSink counts OTLP/HTTP trace exports.
type otlpSink struct {
	mu      sync.Mutex
	exports int
	server  *httptest.Server
}

func newOTLPSink(t *testing.T) *otlpSink {
	s := &otlpSink{}
	s.server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if r.URL.Path == "/v1/traces" && r.Method == http.MethodPost && len(body) > 0 {
			s.mu.Lock()
			s.exports++
			s.mu.Unlock()
		}
		w.Header().Set("Content-Type", "application/x-protobuf")
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(s.server.Close)
	return s
}

func (s *otlpSink) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.exports
}

// With OTEL_EXPORTER_OTLP_ENDPOINT set, the spans are exported over OTLP/HTTP; the
// last of them when the shop closes (the provider is shut down, flushing them).
func TestSpansAreExportedWhenAnEndpointIsSet(t *testing.T) {
	sink := newOTLPSink(t)
	t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", sink.server.URL)
	cfg, err := config.FromEnv(func(k string) (string, bool) {
		if strings.HasPrefix(k, "OTEL_") {
			return sink.server.URL, k == "OTEL_EXPORTER_OTLP_ENDPOINT"
		}
		return "", false
	})
	if err != nil {
		t.Fatal(err)
	}
	sh := &shop{t: t, dir: t.TempDir(), clock: clock.NewManual(start), cfg: cfg}
	sh.cfg.DataDir, sh.cfg.Demo, sh.cfg.SchedulerInterval, sh.cfg.RecoveryInterval = sh.dir, false, time.Hour, time.Hour
	sh.open()
	if !sh.app.Tracing.Enabled() {
		t.Fatal("tracing is off with an endpoint set")
	}
	sh.signUp("olga@example.ru")
	sh.stop() // closes the App: the batch not yet exported goes now
	if sink.count() == 0 {
		t.Fatal("no spans exported")
	}
}

// Without an endpoint there is no tracing: no span (not even on OpenTelemetry's
// global provider, which nothing here may fall back to), no trace context in the
// events, no exporter.
func TestNoTracingWithoutAnEndpoint(t *testing.T) {
	rec := tracetest.NewSpanRecorder()
	global := otel.GetTracerProvider()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	otel.SetTracerProvider(tp)
	t.Cleanup(func() { otel.SetTracerProvider(global); _ = tp.Shutdown(context.Background()) })
	sh := newShop(t)
	if sh.app.Tracing.Enabled() || sh.app.Hooks.Tracer != nil {
		t.Fatal("tracing is on without an endpoint")
	}
	premieres := sh.publish(1)
	token := sh.signUp("nina@example.ru")
	sh.expect(http.StatusCreated, call{method: "POST", path: "/billing/fill", token: token, key: "fund", body: map[string]any{"summ": 100_000}})
	sh.expect(http.StatusCreated, call{method: "POST", path: "/rent", token: token, key: "rent", body: map[string]any{"id": premieres[0], "period": 2},
		header: map[string]string{"traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}})
	sh.settle()
	records, err := sh.app.Events.ReadAll(context.Background(), eventlog.Start, 1000)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range records {
		if r.Metadata.TraceParent != "" {
			t.Fatalf("event %s carries a trace context: %s", r.Type, r.Metadata.TraceParent)
		}
	}
	sh.stop()
	if spans := rec.Ended(); len(spans) != 0 {
		t.Fatalf("%d spans recorded with tracing off, the first %q", len(spans), spans[0].Name())
	}
}
