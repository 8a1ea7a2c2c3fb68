package esdb

import (
	"context"
	"slices"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"
	"github.com/google/uuid"

	"github.com/chance-video/chance/eventlog"
)

// The port's idempotency (eventlog.Store): an append is a retry when its ids are exactly
// the stream's events at the revisions its expectation implies — from 0 for NoStream,
// from r+1 for Exact(r), the last len(events) for Any and StreamExists — and a conflict
// when it shares an id with those events, or with the stream's last len(events), without
// being a retry.
//
// The server is not enough for this: it writes a second copy of ids that are already the
// stream's last events when the expectation matches the current revision (Exact(last),
// Any, StreamExists), and under Any its recognition of a retry is best-effort. So Append
// reads the stream first and decides here; only appends that share no id with what it
// read reach the server. The server's own idempotency still covers the one case this
// check cannot see: an identical append (a concurrent retry) landing between the read
// and the write, at an exact revision or NoStream.

type verdict int

const (
	write    verdict = iota // nothing in the stream says otherwise: let the server decide
	retry                   // already stored where the expectation says: answer, write nothing
	conflict                // shares ids without being a retry: refuse, write nothing
)

// streamView is what Append read of the stream before deciding.
type streamView struct {
	exists bool
	last   uint64            // the stream's revision, when it exists
	tail   []eventlog.Record // its last len(events) events
	window []eventlog.Record // its events at the revisions the expectation implies
}

// readView reads the stream's tail and, when the expectation implies revisions deeper in
// the stream than the tail, those events too (only when the stream has moved on since:
// at most two reads, usually one).
func readView(ctx context.Context, client *esdb.Client, stream string, exp eventlog.Expected, n int) (streamView, error) {
	tail, err := lastEvents(ctx, client, stream, n)
	if err != nil || len(tail) == 0 {
		return streamView{}, err
	}
	v := streamView{exists: true, last: tail[len(tail)-1].Revision, tail: tail}
	first, deep := impliedFirst(exp)
	switch {
	case !deep:
		v.window = tail
	case first > v.last:
		// nothing stored there yet: the usual case of an append at the current revision
	case first >= tail[0].Revision:
		v.window = tail[first-tail[0].Revision:]
	default:
		v.window, err = eventsFrom(ctx, client, stream, first, n)
	}
	return v, err
}

// impliedFirst is the first revision an expectation places the events at, for NoStream
// and Exact; Any and StreamExists place them at the tail.
func impliedFirst(exp eventlog.Expected) (first uint64, deep bool) {
	if exp.IsNoStream() {
		return 0, true
	}
	if r, ok := exp.Revision(); ok && !impossibleRevision(exp) {
		return r + 1, true
	}
	return 0, false
}

func (v streamView) decide(exp eventlog.Expected, events []eventlog.EventData) verdict {
	switch {
	case impossibleRevision(exp):
		return conflict // no stream is there; and sending it would be read as another expectation
	case len(events) == len(v.window) && slices.Equal(recordIDs(v.window), eventIDs(events)):
		return retry
	case sharesID(v.window, events) || sharesID(v.tail, events):
		return conflict
	}
	return write
}

// retried answers a retry as the first append did: its last event's revision and position.
//
// WARNING: this position comes from reading the stream, the first answer's from the
// append's result. They agree on the fake; on a real server they agree when its append
// result is the last event's position, which the real-server contract run checks.
func (v streamView) retried() eventlog.AppendResult {
	last := v.window[len(v.window)-1]
	return eventlog.AppendResult{NextExpected: eventlog.Exact(last.Revision), LastRevision: last.Revision, Position: last.Position}
}

func (v streamView) conflict(stream string, exp eventlog.Expected) error {
	return &eventlog.WrongExpectedRevisionError{Stream: stream, Expected: exp, ActualExists: v.exists, Actual: v.last}
}

func sharesID(records []eventlog.Record, events []eventlog.EventData) bool {
	for _, r := range records {
		for _, e := range events {
			if r.ID == e.ID {
				return true
			}
		}
	}
	return false
}

func recordIDs(records []eventlog.Record) []uuid.UUID {
	ids := make([]uuid.UUID, len(records))
	for i, r := range records {
		ids[i] = r.ID
	}
	return ids
}

func eventIDs(events []eventlog.EventData) []uuid.UUID {
	ids := make([]uuid.UUID, len(events))
	for i, e := range events {
		ids[i] = e.ID
	}
	return ids
}
