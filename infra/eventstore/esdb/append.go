package esdb

import (
	"context"
	"fmt"
	"math"
	"strings"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"
	"github.com/google/uuid"

	"github.com/chance-video/chance/eventlog"
)

// Append writes events if the stream is at expected, after checking for a retry or a
// conflict by id that the server would not catch (see idempotency.go).
func (s *Store) Append(ctx context.Context, stream string, expected eventlog.Expected, events []eventlog.EventData) (eventlog.AppendResult, error) {
	if err := validate(stream, events); err != nil {
		return eventlog.AppendResult{}, err
	}
	proposed := make([]esdb.EventData, len(events))
	for i, e := range events {
		var err error
		if proposed[i], err = toProposed(e); err != nil { // an OccurredAt JSON cannot hold
			return eventlog.AppendResult{}, fmt.Errorf("append to %s: %w: %w", stream, eventlog.ErrInvalidAppend, err)
		}
	}
	client, err := s.conn.get()
	if err != nil {
		return eventlog.AppendResult{}, err
	}
	view, err := readView(ctx, client, stream, expected, len(events))
	if err != nil {
		return eventlog.AppendResult{}, fmt.Errorf("append to %s at %s: read the stream first: %w", stream, expected, s.conn.failed(client, err))
	}
	switch view.decide(expected, events) {
	case retry:
		return view.retried(), nil
	case conflict:
		return eventlog.AppendResult{}, view.conflict(stream, expected)
	}

	opts := esdb.AppendToStreamOptions{ExpectedRevision: toExpected(expected)}
	res, err := client.AppendToStream(ctx, stream, opts, proposed...)
	if hasCode(err, esdb.ErrorCodeWrongExpectedVersion) {
		return eventlog.AppendResult{}, wrongExpected(ctx, client, stream, expected, err)
	}
	if err != nil {
		return eventlog.AppendResult{}, fmt.Errorf("append to %s at %s: %w", stream, expected, s.conn.failed(client, err))
	}
	// NextExpectedVersion is the stream's revision after the append: its last event's.
	return eventlog.AppendResult{
		NextExpected: eventlog.Exact(res.NextExpectedVersion),
		LastRevision: res.NextExpectedVersion,
		Position:     eventlog.Position{Commit: res.CommitPosition, Prepare: res.PreparePosition},
	}, nil
}

// toExpected maps the port's expectation one to one onto the client's.
func toExpected(e eventlog.Expected) esdb.ExpectedRevision {
	if r, ok := e.Revision(); ok {
		return esdb.Revision(r)
	}
	switch {
	case e.IsNoStream():
		return esdb.NoStream{}
	case e.IsStreamExists():
		return esdb.StreamExists{}
	default:
		return esdb.Any{}
	}
}

// validate refuses what no state of the stream could make valid (eventlog.ErrInvalidAppend).
func validate(stream string, events []eventlog.EventData) error {
	invalid := func(why string, args ...any) error {
		return fmt.Errorf("append to %q: %s: %w", stream, fmt.Sprintf(why, args...), eventlog.ErrInvalidAppend)
	}
	switch {
	case stream == "":
		return invalid("empty stream name")
	case strings.HasPrefix(stream, "$"):
		return invalid("stream names starting with $ are reserved for the server")
	case len(events) == 0:
		return invalid("no events")
	}
	seen := make(map[uuid.UUID]bool, len(events))
	for i, e := range events {
		switch {
		case e.ID == uuid.Nil:
			return invalid("event %d has no id", i)
		case e.Type == "":
			return invalid("event %d has no type", i)
		case strings.HasPrefix(e.Type, "$"):
			return invalid("event %d: types starting with $ are reserved for the server", i)
		case seen[e.ID]:
			return invalid("event %d repeats id %s", i, e.ID)
		}
		seen[e.ID] = true
	}
	return nil
}

// impossibleRevision: revisions are signed 64-bit on the server.
//
// WARNING: an exact revision above math.MaxInt64 would wrap on the wire to a negative
// number, which the server reads as "any" (-2) or "no stream" (-1) and so on: it must
// never be sent.
func impossibleRevision(e eventlog.Expected) bool {
	r, ok := e.Revision()
	return ok && r > math.MaxInt64
}
