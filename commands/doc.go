// Package commands runs the shop's commands: load an aggregate's stream, fold it,
// decide, append with the loaded revision (retrying a bounded number of times on a
// conflict). Commands that span aggregates — rent, checkout, term change, cancel,
// redeeming a withdrawal — are process managers: the first step records everything
// the flow needs, every later step is idempotent and keyed by the flow, and Recover
// completes (or compensates) flows that a crash interrupted.
//
// Handlers lists every use case in one place, each behind the usecase seam (logging,
// metrics and tracing hooks); callers depend on the handlers they run, never on the
// Service itself. Lookup reads the write model for the few readers that must not lag.
package commands

import (
	"context"
	"time"

	"github.com/chance-video/chance/eventlog"
)

// EventStore is what command handlers need of the event store.
type EventStore interface {
	Append(ctx context.Context, stream string, expected eventlog.Expected, events []eventlog.EventData) (eventlog.AppendResult, error)
	ReadStream(ctx context.Context, stream string, from uint64) ([]eventlog.Record, error)
}

// LogReader reads the whole log; Recover needs it to find interrupted flows.
type LogReader interface {
	ReadAll(ctx context.Context, after eventlog.Position, limit int) ([]eventlog.Record, error)
}

// Clock tells the time; tests inject a fake one.
type Clock interface {
	Now() time.Time
}
