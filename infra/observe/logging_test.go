package observe_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/chance-video/chance/infra/bus"
	"github.com/chance-video/chance/integration"

	"github.com/chance-video/chance/infra/observe"
)

func lines(t *testing.T, buf *bytes.Buffer) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("not a JSON line: %q", l)
		}
		out = append(out, m)
	}
	return out
}

func TestJSONLinesCarryTheContextsIDs(t *testing.T) {
	var buf bytes.Buffer
	log, err := observe.NewLogger(&buf, observe.LogJSON, slog.LevelInfo)
	if err != nil {
		t.Fatal(err)
	}
	ctx := observe.WithRequestID(context.Background(), "req-1")
	log.InfoContext(ctx, "answered", "status", 200)
	log.With("part", "api").WarnContext(ctx, "slow", "request_id", "req-1") // named by the call site too: once
	log.Info("no context")
	log.DebugContext(ctx, "below the level")

	got := lines(t, &buf)
	if len(got) != 3 {
		t.Fatalf("lines: %v", got)
	}
	if got[0]["msg"] != "answered" || got[0]["request_id"] != "req-1" || got[0]["correlation_id"] != "req-1" || got[0]["level"] != "INFO" {
		t.Errorf("line 1: %v", got[0])
	}
	if got[1]["part"] != "api" || got[1]["request_id"] != "req-1" || strings.Count(buf.String(), `"request_id"`) != 2 {
		t.Errorf("line 2: %v\n%s", got[1], buf.String())
	}
	if _, ok := got[2]["request_id"]; ok {
		t.Errorf("line 3 names a request: %v", got[2])
	}
}

func TestTextIsTheDefaultAndOtherFormatsAreRefused(t *testing.T) {
	var buf bytes.Buffer
	log, err := observe.NewLogger(&buf, "", slog.LevelInfo)
	if err != nil {
		t.Fatal(err)
	}
	log.InfoContext(observe.WithRequestID(context.Background(), "r2"), "hello")
	if !strings.Contains(buf.String(), "msg=hello request_id=r2 correlation_id=r2") {
		t.Errorf("text line: %s", buf.String())
	}
	if _, err := observe.NewLogger(&buf, "xml", slog.LevelInfo); err == nil || !strings.Contains(err.Error(), "xml") {
		t.Errorf("xml: %v", err)
	}
	for in, want := range map[string]slog.Level{"debug": slog.LevelDebug, "INFO": slog.LevelInfo, "warn": slog.LevelWarn, "error": slog.LevelError} {
		if got, err := observe.ParseLogLevel(in); err != nil || got != want {
			t.Errorf("ParseLogLevel(%q) = %v, %v", in, got, err)
		}
	}
	if _, err := observe.ParseLogLevel("loud"); err == nil {
		t.Error("ParseLogLevel(loud) accepted")
	}
}

// A bus handler's lines name the flow its message belongs to.
func TestConsumersLinesCarryTheMessagesCorrelationID(t *testing.T) {
	var buf bytes.Buffer
	log, err := observe.NewLogger(&buf, observe.LogJSON, slog.LevelInfo)
	if err != nil {
		t.Fatal(err)
	}
	msg := message.NewMessage("m-1", nil)
	msg.Metadata.Set(integration.MetaCorrelationID, "req-7")
	ctx, end := observe.Bus(observe.NewMetrics(), nil, time.Now).Begin(context.Background(), "chance.test", msg)
	log.ErrorContext(ctx, "could not handle")
	end(bus.Handled)
	if got := lines(t, &buf); got[0]["correlation_id"] != "req-7" || got[0]["request_id"] != nil {
		t.Fatalf("line: %v", got[0])
	}
}

// A line written inside a span names its trace, so logs lead to traces.
func TestLinesInsideASpanNameIt(t *testing.T) {
	var buf bytes.Buffer
	log, err := observe.NewLogger(&buf, observe.LogJSON, slog.LevelInfo)
	if err != nil {
		t.Fatal(err)
	}
	tp := sdktrace.NewTracerProvider()
	defer tp.Shutdown(context.Background())
	ctx, span := tp.Tracer("test").Start(context.Background(), "work")
	log.InfoContext(ctx, "inside")
	span.End()
	got := lines(t, &buf)[0]
	if got["trace_id"] != span.SpanContext().TraceID().String() || got["span_id"] != span.SpanContext().SpanID().String() {
		t.Fatalf("line %v", got)
	}
}
