package observe

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

// Tracing is the shop's OpenTelemetry tracing. A nil *Tracing is tracing off: every
// method is then a no-op, and the parts that would make spans are not even wrapped,
// so tracing off costs nothing.
//
// A trace follows a request across the asynchronous boundary: the append writes the
// W3C trace context (traceparent) into each event's metadata, the forwarder copies it
// into the message headers, and the projection applying the event, the notification
// policy consuming it and the sender sending what the policy composed each start a
// span whose parent is the span that wrote the context. They are children, not links:
// each of those spans has exactly one cause, and as children they share the request's
// trace id, so one trace shows the whole journey (a span may start after its parent
// ended; tracing backends show that as the delay it is).
type Tracing struct {
	tracer   trace.Tracer
	shutdown func(context.Context) error
}

// TracingConfig says where traces go.
type TracingConfig struct {
	// Endpoint is the OTLP/HTTP endpoint; empty: tracing off. The exporter itself
	// reads it, and the other OTEL_EXPORTER_OTLP_* variables (headers, timeout), from
	// the environment.
	Endpoint    string
	ServiceName string   // service.name (OTEL_SERVICE_NAME, "chance" by default)
	Roles       []string // the process's roles, as the resource's chance.roles
}

// instrumentation names the tracer.
const instrumentation = "github.com/chance-video/chance"

// shutdownTimeout bounds the last export when the process stops.
const shutdownTimeout = 5 * time.Second

// NewTracing exports spans over OTLP/HTTP (protobuf) in batches when an endpoint is
// configured; with none it returns nil: tracing off.
func NewTracing(ctx context.Context, cfg TracingConfig) (*Tracing, error) {
	if cfg.Endpoint == "" {
		return nil, nil
	}
	exporter, err := otlptracehttp.New(ctx)
	if err != nil {
		return nil, fmt.Errorf("OTLP trace exporter: %w", err)
	}
	attrs := []attribute.KeyValue{attribute.String("service.name", cfg.ServiceName)}
	if len(cfg.Roles) > 0 {
		attrs = append(attrs, attribute.String("chance.roles", strings.Join(cfg.Roles, ",")))
	}
	res, err := resource.Merge(resource.Default(), resource.NewSchemaless(attrs...))
	if err != nil {
		return nil, fmt.Errorf("trace resource: %w", err)
	}
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exporter), sdktrace.WithResource(res))
	return &Tracing{tracer: tp.Tracer(instrumentation), shutdown: tp.Shutdown}, nil
}

// NewTracingWith traces through a provider of the caller's (tests: one with a
// tracetest.SpanRecorder). The caller shuts the provider down.
func NewTracingWith(tp trace.TracerProvider) *Tracing {
	return &Tracing{tracer: tp.Tracer(instrumentation)}
}

// Enabled reports whether spans are recorded.
func (t *Tracing) Enabled() bool { return t != nil }

// Shutdown exports the spans not yet exported and stops the exporter. Safe on nil.
func (t *Tracing) Shutdown(ctx context.Context) error {
	if t == nil || t.shutdown == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownTimeout)
	defer cancel()
	if err := t.shutdown(ctx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("trace exporter shutdown: %w", err)
	}
	return nil
}

// traceContext is the W3C Trace Context format: the traceparent header (and its
// metadata key on events and messages).
var traceContext = propagation.TraceContext{}

// traceParentKey is the W3C header, and the metadata key, that carries a span's context.
const traceParentKey = "traceparent"

// remote returns ctx with the span context a traceparent names as its remote
// parent; ctx itself if traceparent is empty or malformed.
func remote(ctx context.Context, traceparent string) context.Context {
	if traceparent == "" {
		return ctx
	}
	return traceContext.Extract(ctx, propagation.MapCarrier{traceParentKey: traceparent})
}

// traceParentOf is the traceparent of the span ctx carries; "" if none.
func traceParentOf(ctx context.Context) string {
	if !trace.SpanContextFromContext(ctx).IsValid() {
		return ""
	}
	c := propagation.MapCarrier{}
	traceContext.Inject(ctx, c)
	return c[traceParentKey]
}

// fail marks a span as failed with err.
func fail(span trace.Span, err error) {
	span.RecordError(err)
	span.SetStatus(codes.Error, err.Error())
}
