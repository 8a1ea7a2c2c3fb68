package eventlog

import "context"

// AppendResult tells where the last appended event landed.
type AppendResult struct {
	NextExpected Expected // the expectation for the next append to this stream
	LastRevision uint64
	Position     Position // position of the last event appended (or found, for an idempotent retry)
}

// Store is the whole event-store contract (see eventstoretest).
//
// Appends are idempotent by event id: appending events whose ids are already the
// stream's events at the revisions the expectation implies succeeds without writing,
// and returns where they are.
type Store interface {
	// Append writes events to stream atomically if the stream is at expected.
	// A mismatch returns a *WrongExpectedRevisionError.
	Append(ctx context.Context, stream string, expected Expected, events []EventData) (AppendResult, error)
	// ReadStream returns the stream's events with revision >= from, in revision order;
	// a missing stream is empty.
	ReadStream(ctx context.Context, stream string, from uint64) ([]Record, error)
	// ReadAll returns up to limit (> 0) events after position, in commit order.
	ReadAll(ctx context.Context, after Position, limit int) ([]Record, error)
	// Subscribe delivers every event after position in commit order, in batches:
	// first those already stored, then new ones as they are committed. It returns
	// when ctx ends (with ctx.Err()) or when handle returns an error.
	Subscribe(ctx context.Context, after Position, handle func(ctx context.Context, batch []Record) error) error
	// Head is the position of the last committed event (Start for an empty log).
	Head(ctx context.Context) (Position, error)
	Close() error
}
