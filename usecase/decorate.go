package usecase

import (
	"context"
	"log/slog"
	"time"
)

// Metrics records every use case handled (the fleet's Prometheus adapter implements
// it). It is called on the caller's goroutine: keep it cheap and never block.
type Metrics interface {
	Observe(name string, kind Kind, outcome Outcome, took time.Duration)
}

// Tracer opens a span around a use case; end closes it with the use case's error.
// The returned context carries the span into the handler (and the stores it calls).
type Tracer interface {
	Start(ctx context.Context, name string, kind Kind) (_ context.Context, end func(err error))
}

// Hooks are what runs around every use case; any of them may be nil.
type Hooks struct {
	// Logger gets one line per use case: its name, kind, outcome and duration, at
	// Debug level, or Error (with the error) for a failure.
	Logger  *slog.Logger
	Metrics Metrics
	Tracer  Tracer
}

// Empty reports whether no hook is set.
func (h Hooks) Empty() bool { return h.Logger == nil && h.Metrics == nil && h.Tracer == nil }

// Decorate wraps a handler with the hooks, under the use case's name.
//
// WARNING: the name is a metric label and a log field that dashboards and alerts
// select on; renaming a use case breaks them silently.
func Decorate[In, Out any](name string, kind Kind, h Handler[In, Out], hooks Hooks) Handler[In, Out] {
	if hooks.Empty() {
		return h
	}
	return decorated[In, Out]{name: name, kind: kind, next: h, hooks: hooks}
}

type decorated[In, Out any] struct {
	name  string
	kind  Kind
	next  Handler[In, Out]
	hooks Hooks
}

func (d decorated[In, Out]) Handle(ctx context.Context, in In) (Out, error) {
	return Observe(ctx, d.hooks, d.name, d.kind, func(ctx context.Context) (Out, error) { return d.next.Handle(ctx, in) })
}

// Observe runs f as the use case name under the hooks. It is Decorate for a call
// site that has no Handler to wrap (a query method behind an interface).
func Observe[Out any](ctx context.Context, hooks Hooks, name string, kind Kind, f func(context.Context) (Out, error)) (Out, error) {
	if hooks.Empty() {
		return f(ctx)
	}
	var end func(error)
	if hooks.Tracer != nil {
		ctx, end = hooks.Tracer.Start(ctx, name, kind)
	}
	started := time.Now()
	out, err := f(ctx)
	took := time.Since(started)
	if end != nil {
		end(err)
	}
	outcome := OutcomeOf(err)
	if hooks.Metrics != nil {
		hooks.Metrics.Observe(name, kind, outcome, took)
	}
	if hooks.Logger != nil {
		logHandled(ctx, hooks.Logger, name, kind, outcome, took, err)
	}
	return out, err
}

func logHandled(ctx context.Context, log *slog.Logger, name string, kind Kind, outcome Outcome, took time.Duration, err error) {
	level := slog.LevelDebug
	if outcome == Failed {
		level = slog.LevelError
	}
	if !log.Enabled(ctx, level) {
		return
	}
	attrs := []slog.Attr{slog.String("use_case", name), slog.String("kind", string(kind)),
		slog.String("outcome", string(outcome)), slog.Duration("duration", took)}
	if err != nil {
		attrs = append(attrs, slog.String("error", err.Error()))
	}
	log.LogAttrs(ctx, level, "use case", attrs...)
}
