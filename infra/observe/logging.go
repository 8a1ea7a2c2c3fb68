package observe

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"go.opentelemetry.io/otel/trace"
)

// Log formats (CHANCE_LOG_FORMAT).
const (
	LogText = "text"
	LogJSON = "json"
)

// ParseLogLevel reads CHANCE_LOG_LEVEL: debug, info, warn or error.
func ParseLogLevel(s string) (slog.Level, error) {
	switch strings.ToLower(s) {
	case "debug":
		return slog.LevelDebug, nil
	case "info":
		return slog.LevelInfo, nil
	case "warn", "warning":
		return slog.LevelWarn, nil
	case "error":
		return slog.LevelError, nil
	}
	return 0, fmt.Errorf("%q is not a log level: want debug, info, warn or error", s)
}

// NewLogger writes to w in format (text or json) from level up. Every line written
// with a context that carries a request id, a correlation id or a trace span says so
// (request_id, correlation_id, trace_id, span_id), whoever writes it: see LogHandler.
func NewLogger(w io.Writer, format string, level slog.Level) (*slog.Logger, error) {
	opts := &slog.HandlerOptions{Level: level}
	var h slog.Handler
	switch format {
	case LogText, "":
		h = slog.NewTextHandler(w, opts)
	case LogJSON:
		h = slog.NewJSONHandler(w, opts)
	default:
		return nil, fmt.Errorf("log format %q: want text or json", format)
	}
	return slog.New(LogHandler(h)), nil
}

// LogHandler adds the ids a context carries to every record: request_id (the HTTP
// request being answered), correlation_id (the flow it belongs to: the request that
// started it, carried by its events and messages) and, while a span is recording,
// trace_id and span_id, so a log line leads to its trace.
func LogHandler(next slog.Handler) slog.Handler { return contextHandler{next} }

type contextHandler struct{ next slog.Handler }

func (h contextHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return h.next.Enabled(ctx, l)
}

func (h contextHandler) Handle(ctx context.Context, r slog.Record) error {
	ids := idsOf(ctx)
	if ids.request != "" && !has(r, "request_id") {
		r.AddAttrs(slog.String("request_id", ids.request))
	}
	if ids.correlation != "" && !has(r, "correlation_id") {
		r.AddAttrs(slog.String("correlation_id", ids.correlation))
	}
	if ctx != nil {
		if sc := trace.SpanContextFromContext(ctx); sc.IsValid() {
			r.AddAttrs(slog.String("trace_id", sc.TraceID().String()), slog.String("span_id", sc.SpanID().String()))
		}
	}
	return h.next.Handle(ctx, r)
}

// has reports whether the call site already wrote the attribute (some lines name the
// request id themselves): a key written twice would confuse JSON readers.
func has(r slog.Record, key string) bool {
	found := false
	r.Attrs(func(a slog.Attr) bool {
		found = a.Key == key
		return !found
	})
	return found
}

func (h contextHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return contextHandler{h.next.WithAttrs(attrs)}
}

func (h contextHandler) WithGroup(name string) slog.Handler {
	return contextHandler{h.next.WithGroup(name)}
}
