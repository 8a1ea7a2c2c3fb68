package observe

import (
	"context"
	"net/http"
	"strconv"

	"github.com/ThreeDotsLabs/watermill/message"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"

	"github.com/chance-video/chance/eventlog"
	"github.com/chance-video/chance/infra/bus"
	"github.com/chance-video/chance/projections"
	"github.com/chance-video/chance/usecase"
)

// The spans of the shop, from the HTTP request to the message sent. Span names are
// low-cardinality (route templates, use-case, projection and handler names); ids go
// into attributes.

// StartRequest opens the server span of an HTTP request, a child of the caller's
// span if its traceparent header names one. route is the route template. end is told
// the status.
func (t *Tracing) StartRequest(ctx context.Context, header http.Header, method, route, requestID string) (context.Context, func(status int)) {
	ctx = traceContext.Extract(ctx, propagation.HeaderCarrier(header))
	ctx, span := t.tracer.Start(ctx, method+" "+route, trace.WithSpanKind(trace.SpanKindServer), trace.WithAttributes(
		attribute.String("http.request.method", method), attribute.String("http.route", route),
		attribute.String("chance.request_id", requestID)))
	return ctx, func(status int) {
		span.SetAttributes(attribute.Int("http.response.status_code", status))
		if status >= http.StatusInternalServerError {
			span.SetStatus(codes.Error, http.StatusText(status))
		}
		span.End()
	}
}

// UseCases is the tracing side of the use-case hooks (usecase.Tracer); nil when off.
func (t *Tracing) UseCases() usecase.Tracer {
	if t == nil {
		return nil
	}
	return useCaseTracer{t}
}

type useCaseTracer struct{ t *Tracing }

// Start opens the span of a command or query, named "command rent", "query search".
// A refusal (bad input, a conflict, short funds) is the shop working: only a failure
// marks the span as an error.
func (u useCaseTracer) Start(ctx context.Context, name string, kind usecase.Kind) (context.Context, func(error)) {
	ctx, span := u.t.tracer.Start(ctx, string(kind)+" "+name, trace.WithAttributes(
		attribute.String("chance.use_case", name), attribute.String("chance.kind", string(kind))))
	return ctx, func(err error) {
		outcome := usecase.OutcomeOf(err)
		span.SetAttributes(attribute.String("chance.outcome", string(outcome)))
		if outcome == usecase.Failed {
			fail(span, err)
		}
		span.End()
	}
}

// startAppend opens the span of an append and writes its context into copies of the
// events' metadata, so whatever later handles these events continues this trace.
func (t *Tracing) startAppend(ctx context.Context, stream string, events []eventlog.EventData) (context.Context, []eventlog.EventData, func(error)) {
	ctx, span := t.tracer.Start(ctx, "eventstore.append", trace.WithSpanKind(trace.SpanKindClient), trace.WithAttributes(
		attribute.String("chance.stream", stream), attribute.Int("chance.events", len(events))))
	if parent := traceParentOf(ctx); parent != "" {
		traced := make([]eventlog.EventData, len(events))
		copy(traced, events) // the caller's slice stays as it was: it may append it again
		for i := range traced {
			traced[i].Metadata.TraceParent = parent
		}
		events = traced
	}
	return ctx, events, func(err error) {
		if err != nil {
			fail(span, err)
		}
		span.End()
	}
}

// startMessage opens the span of a bus handler taking a message, a child of the span
// whose context the message's traceparent header carries.
func (t *Tracing) startMessage(ctx context.Context, handler string, m *message.Message) (context.Context, func(bus.Outcome)) {
	ctx = remote(ctx, m.Metadata.Get(traceParentKey))
	ctx, span := t.tracer.Start(ctx, "consume "+handler, trace.WithSpanKind(trace.SpanKindConsumer), trace.WithAttributes(
		attribute.String("messaging.system", "watermill"), attribute.String("messaging.consumer.group.name", handler),
		attribute.String("messaging.message.id", m.UUID)))
	return ctx, func(outcome bus.Outcome) {
		span.SetAttributes(attribute.String("chance.outcome", string(outcome)))
		if outcome == bus.DeadLettered || outcome == bus.Failed {
			span.SetStatus(codes.Error, string(outcome))
		}
		span.End()
	}
}

// Projector traces p: each event it applies gets a span, a child of the span that
// appended the event. With tracing off it is p itself.
func (t *Tracing) Projector(p projections.Projector) projections.Projector {
	if t == nil {
		return p
	}
	return tracedProjector{Projector: p, t: t}
}

type tracedProjector struct {
	projections.Projector
	t *Tracing
}

func (p tracedProjector) Apply(ctx context.Context, tx projections.Writes, e projections.Event) error {
	ctx, span := p.t.tracer.Start(remote(ctx, e.Metadata.TraceParent), "project "+p.Name(), trace.WithAttributes(
		attribute.String("chance.projection", p.Name()), attribute.String("chance.event_type", e.Type),
		attribute.String("chance.event_id", e.ID.String()), attribute.String("chance.position", strconv.FormatUint(e.Position.Commit, 10))))
	defer span.End()
	err := p.Projector.Apply(ctx, tx, e)
	if err != nil {
		fail(span, err)
	}
	return err
}

// Publisher writes the trace context of each message's context (message.SetContext)
// into its traceparent header, unless it carries one already, so the consumers of
// what a handler publishes continue its trace. With tracing off it is pub itself.
func (t *Tracing) Publisher(pub message.Publisher) message.Publisher {
	if t == nil || pub == nil {
		return pub
	}
	return tracedPublisher{pub}
}

type tracedPublisher struct{ message.Publisher }

func (p tracedPublisher) Publish(topic string, msgs ...*message.Message) error {
	for _, m := range msgs {
		if m.Metadata.Get(traceParentKey) != "" {
			continue
		}
		if parent := traceParentOf(m.Context()); parent != "" {
			m.Metadata.Set(traceParentKey, parent)
		}
	}
	return p.Publisher.Publish(topic, msgs...)
}
