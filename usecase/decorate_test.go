package usecase_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/chance-video/chance/domain"
	"github.com/chance-video/chance/usecase"
)

type observed struct {
	name    string
	kind    usecase.Kind
	outcome usecase.Outcome
}

type recordingMetrics struct{ seen []observed }

func (m *recordingMetrics) Observe(name string, kind usecase.Kind, outcome usecase.Outcome, took time.Duration) {
	m.seen = append(m.seen, observed{name, kind, outcome})
}

type spanKey struct{}

// recordingTracer opens a span the handler can see in its context, and records how it ended.
type recordingTracer struct{ ended []error }

func (t *recordingTracer) Start(ctx context.Context, name string, kind usecase.Kind) (context.Context, func(error)) {
	return context.WithValue(ctx, spanKey{}, name), func(err error) { t.ended = append(t.ended, err) }
}

var double = usecase.Func[int, int](func(ctx context.Context, n int) (int, error) {
	if n < 0 {
		return 0, domain.Invalid("n must not be negative")
	}
	if n == 13 {
		return 0, errors.New("disk on fire")
	}
	return 2 * n, nil
})

func TestWithoutHooksTheHandlerIsItself(t *testing.T) {
	h := usecase.Decorate("double", usecase.Query, usecase.Handler[int, int](double), usecase.Hooks{})
	if _, same := h.(usecase.Func[int, int]); !same {
		t.Fatalf("decorated with no hooks = %T, want the handler itself", h)
	}
}

func TestHooksSeeEveryOutcome(t *testing.T) {
	var logs bytes.Buffer
	metrics, tracer := &recordingMetrics{}, &recordingTracer{}
	hooks := usecase.Hooks{Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})), Metrics: metrics, Tracer: tracer}
	var sawSpan any
	spanned := usecase.Func[int, int](func(ctx context.Context, n int) (int, error) {
		sawSpan = ctx.Value(spanKey{})
		return double(ctx, n)
	})
	h := usecase.Decorate("double", usecase.Command, usecase.Handler[int, int](spanned), hooks)

	if got, err := h.Handle(context.Background(), 21); got != 42 || err != nil {
		t.Fatalf("Handle(21) = %d, %v", got, err)
	}
	if sawSpan != "double" {
		t.Fatalf("the handler ran outside the span: %v", sawSpan)
	}
	if _, err := h.Handle(context.Background(), -1); !errors.Is(err, domain.ErrInvalid) {
		t.Fatalf("Handle(-1) error = %v: the decorator must pass errors through unchanged", err)
	}
	if _, err := h.Handle(context.Background(), 13); err == nil {
		t.Fatal("Handle(13) hid the failure")
	}
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	cancelling := usecase.Decorate("wait", usecase.Query, usecase.Handler[int, int](usecase.Func[int, int](func(ctx context.Context, _ int) (int, error) {
		return 0, fmt.Errorf("wait: %w", ctx.Err())
	})), hooks)
	if _, err := cancelling.Handle(canceled, 0); !errors.Is(err, context.Canceled) {
		t.Fatalf("canceled error = %v", err)
	}

	want := []observed{{"double", usecase.Command, usecase.OK}, {"double", usecase.Command, usecase.Refused},
		{"double", usecase.Command, usecase.Failed}, {"wait", usecase.Query, usecase.Canceled}}
	if fmt.Sprint(metrics.seen) != fmt.Sprint(want) {
		t.Fatalf("metrics saw %v, want %v", metrics.seen, want)
	}
	if len(tracer.ended) != 4 || tracer.ended[0] != nil || tracer.ended[2] == nil {
		t.Fatalf("spans ended with %v", tracer.ended)
	}
	lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
	if len(lines) != 4 || !strings.Contains(lines[0], "use_case=double kind=command outcome=ok duration=") ||
		!strings.Contains(lines[2], "level=ERROR") || !strings.Contains(lines[2], `error="disk on fire"`) {
		t.Fatalf("log lines:\n%s", logs.String())
	}
}

// A logger above Debug keeps the lines of use cases that went as designed out.
func TestOnlyFailuresAreLoggedAboveDebug(t *testing.T) {
	var logs bytes.Buffer
	h := usecase.Decorate("double", usecase.Query, usecase.Handler[int, int](double), usecase.Hooks{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	for _, n := range []int{1, -1, 13} {
		_, _ = h.Handle(context.Background(), n)
	}
	if lines := strings.Split(strings.TrimSpace(logs.String()), "\n"); len(lines) != 1 || !strings.Contains(lines[0], "outcome=failed") {
		t.Fatalf("log lines:\n%s", logs.String())
	}
}

func BenchmarkDecorated(b *testing.B) {
	ctx := context.Background()
	for _, c := range []struct {
		name  string
		hooks usecase.Hooks
	}{
		{"no hooks", usecase.Hooks{}},
		{"metrics", usecase.Hooks{Metrics: &discardMetrics{}}},
	} {
		h := usecase.Decorate("double", usecase.Query, usecase.Handler[int, int](double), c.hooks)
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := h.Handle(ctx, 1); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("bare", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := double.Handle(ctx, 1); err != nil {
				b.Fatal(err)
			}
		}
	})
}

type discardMetrics struct{}

func (discardMetrics) Observe(string, usecase.Kind, usecase.Outcome, time.Duration) {}
