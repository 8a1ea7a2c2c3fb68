package observe_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/chance-video/chance/eventlog"
	"github.com/chance-video/chance/infra/observe"
	"github.com/chance-video/chance/projections"
)

// countingProjector counts the events it applies.
type countingProjector struct{ applied int }

func (p *countingProjector) Name() string        { return "counting_v1" }
func (p *countingProjector) Handles(string) bool { return true }
func (p *countingProjector) Apply(context.Context, projections.Writes, projections.Event) error {
	p.applied++
	return nil
}

// Only an event applied as it is appended gets a projection span, a child of the
// span that appended it: an event without a trace context, or an old one (a rebuild,
// a catch-up after downtime), is applied without a span — no root spans for the
// former, none on weeks-old traces for the latter.
func TestProjectionSpansOnlyForLiveTracedEvents(t *testing.T) {
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	t.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
	now := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	inner := &countingProjector{}
	p := observe.NewTracingWith(tp).Projector(inner, func() time.Time { return now })

	appendSpan := trace.NewSpanContext(trace.SpanContextConfig{TraceID: trace.TraceID{1}, SpanID: trace.SpanID{2}, TraceFlags: trace.FlagsSampled})
	parent := "00-" + appendSpan.TraceID().String() + "-" + appendSpan.SpanID().String() + "-01"
	event := func(traceparent string, occurred time.Time) projections.Event {
		return projections.Event{Record: eventlog.Record{EventData: eventlog.EventData{ID: uuid.New(), Type: "user.registered.v1",
			Metadata: eventlog.Metadata{TraceParent: traceparent, OccurredAt: occurred}}}}
	}
	for _, e := range []projections.Event{
		event(parent, now.Add(-time.Second)),     // live: a span
		event("", now.Add(-time.Second)),         // no trace context
		event(parent, now.Add(-30*24*time.Hour)), // replayed: a month old
	} {
		if err := p.Apply(context.Background(), nil, e); err != nil {
			t.Fatal(err)
		}
	}
	if inner.applied != 3 {
		t.Fatalf("applied %d events, want 3", inner.applied)
	}
	spans := rec.Ended()
	if len(spans) != 1 {
		t.Fatalf("%d spans, want 1", len(spans))
	}
	if got := spans[0].Parent(); got.TraceID() != appendSpan.TraceID() || got.SpanID() != appendSpan.SpanID() {
		t.Errorf("the projection span's parent is %v, want the append's %v", got, appendSpan)
	}
}
