package eventlog

import (
	"context"
	"errors"
)

// ErrInvalidAppend is matched (errors.Is) by an append refused before it reaches the log,
// because no state of the stream could make it valid: an empty stream name, no events,
// an event with a nil id or an empty type, or the same id twice in one append.
// Unlike a revision conflict, retrying it cannot succeed.
var ErrInvalidAppend = errors.New("invalid append")

// AppendResult tells where the last appended event landed.
type AppendResult struct {
	NextExpected Expected // the expectation for the next append to this stream
	LastRevision uint64
	Position     Position // position of the last event appended (or found, for an idempotent retry)
}

// Store is the whole event-store contract (see eventstoretest).
//
// Event ids are unique per stream, not in the whole log: the same id may be stored in two
// streams. Appends are idempotent by event id. An append is a retry when its ids are
// exactly the stream's events, in order, at the revisions its expectation implies:
// from 0 for NoStream, from r+1 for Exact(r), and the stream's last len(events) events for
// Any and StreamExists. A retry succeeds without writing and returns where those events
// are. An append that shares some ids with those events, or with the stream's last
// len(events) events, without being such a retry fails with a *WrongExpectedRevisionError
// and writes nothing.
//
// So a retry under Exact or NoStream is always recognised, but a retry under Any (or
// StreamExists) only while nothing was appended to the stream after it; ids are not
// looked for deeper in the stream (EventStoreDB's idempotency under Any is best-effort
// too). Command handlers append at Exact or NoStream.
type Store interface {
	// Append writes events to stream atomically if the stream is at expected.
	// A mismatch returns a *WrongExpectedRevisionError; an append that can never be
	// valid returns an error matching ErrInvalidAppend.
	Append(ctx context.Context, stream string, expected Expected, events []EventData) (AppendResult, error)
	// ReadStream returns the stream's events with revision >= from, in revision order;
	// a missing stream, or from beyond its last revision, is empty (not an error).
	ReadStream(ctx context.Context, stream string, from uint64) ([]Record, error)
	// ReadAll returns up to limit events after position, in commit order. limit must be
	// > 0: zero or a negative limit is an error, not an empty page.
	ReadAll(ctx context.Context, after Position, limit int) ([]Record, error)
	// Subscribe delivers every event after position in commit order, in batches:
	// first those already stored, then new ones as they are committed. It returns
	// when ctx ends (with ctx.Err()) or when handle returns an error.
	Subscribe(ctx context.Context, after Position, handle func(ctx context.Context, batch []Record) error) error
	// Head is the position of the last committed event (Start for an empty log).
	Head(ctx context.Context) (Position, error)
	Close() error
}
