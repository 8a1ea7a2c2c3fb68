package eventsqlite

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"github.com/chance-video/chance/eventlog"
	"github.com/chance-video/chance/infra/eventstore/internal/appendlog"
)

// appendRequest is one Append waiting for the writer goroutine.
type appendRequest struct {
	ctx      context.Context
	stream   string
	expected eventlog.Expected
	ids      []uuid.UUID
	rows     []row
	reply    chan appendReply // buffered: the writer never waits for a caller that gave up
}

// attempt is what the idempotency rules look at.
func (req *appendRequest) attempt() appendlog.Append {
	return appendlog.Append{Stream: req.stream, Expected: req.expected, IDs: req.ids}
}

type appendReply struct {
	result eventlog.AppendResult
	err    error
}

// Append hands the events to the writer and waits for the group commit that includes them.
//
// If ctx ends while the request is queued or being committed, Append returns ctx's error but
// the events may still be committed: retrying with the same event ids is safe (idempotent).
func (s *Store) Append(ctx context.Context, stream string, expected eventlog.Expected, events []eventlog.EventData) (eventlog.AppendResult, error) {
	var none eventlog.AppendResult
	req, err := newAppendRequest(ctx, stream, expected, events)
	if err != nil {
		return none, err
	}
	if err := s.usable(ctx); err != nil {
		return none, fmt.Errorf("append to %s: %w", stream, err)
	}
	select {
	case s.w.requests <- req:
	case <-s.closing:
		return none, fmt.Errorf("append to %s: %w", stream, ErrClosed)
	case <-ctx.Done():
		return none, fmt.Errorf("append to %s: %w", stream, ctx.Err())
	}
	select {
	case r := <-req.reply:
		return r.result, r.err
	case <-s.w.done:
		// The writer answers before it exits, so a reply may be waiting.
		select {
		case r := <-req.reply:
			return r.result, r.err
		default:
			return none, fmt.Errorf("append to %s: %w", stream, ErrClosed)
		}
	case <-ctx.Done():
		return none, fmt.Errorf("append to %s (outcome unknown, retry is idempotent): %w", stream, ctx.Err())
	}
}

// newAppendRequest checks and encodes the append in the caller's goroutine.
func newAppendRequest(ctx context.Context, stream string, expected eventlog.Expected, events []eventlog.EventData) (*appendRequest, error) {
	ids, rows, err := appendlog.Check(stream, events, encodeEvent)
	if err != nil {
		return nil, err
	}
	return &appendRequest{
		ctx:      ctx,
		stream:   stream,
		expected: expected,
		ids:      ids,
		rows:     rows,
		reply:    make(chan appendReply, 1),
	}, nil
}

func appended(last, pos uint64) appendReply {
	return appendReply{result: eventlog.AppendResult{
		NextExpected: eventlog.Exact(last),
		LastRevision: last,
		Position:     position(pos),
	}}
}
