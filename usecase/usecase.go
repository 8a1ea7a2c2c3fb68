// Package usecase is the seam every command and query of the shop passes through.
// A use case is a Handler; Decorate wraps one with the hooks an operator wants around
// every use case — a log line, a metric, a trace span — named after the use case, so
// none of them is written into a handler. With no hooks set, Decorate returns the
// handler itself: the seam costs nothing until something is plugged into it.
package usecase

import "context"

// Handler runs one use case: a command (it may change state) or a query (it reads).
type Handler[In, Out any] interface {
	Handle(ctx context.Context, in In) (Out, error)
}

// Func adapts a function to a Handler.
type Func[In, Out any] func(ctx context.Context, in In) (Out, error)

// Handle calls f.
func (f Func[In, Out]) Handle(ctx context.Context, in In) (Out, error) { return f(ctx, in) }

// Kind tells commands from queries in logs, metrics and traces.
type Kind string

// The kinds of use case.
const (
	Command Kind = "command"
	Query   Kind = "query"
)
