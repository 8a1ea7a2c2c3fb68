package esdb

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"

	"github.com/chance-video/chance/eventlog"
)

// Page sizes for $all reads. The v4 client has no filtered reads, so ReadAll and Head
// skip system events themselves and may need several pages for one answer.
const (
	minAllPage = 64
	maxAllPage = 1024
)

// ReadStream returns the stream's events from revision from on. A missing stream is
// empty: the server answers "not found" on the first receive, which is not an error here.
func (s *Store) ReadStream(ctx context.Context, stream string, from uint64) ([]eventlog.Record, error) {
	if from > math.MaxInt64 {
		// Revisions are signed 64-bit on the server; larger values would wrap to -1,
		// which the server reads as "the end". No event can be there.
		return nil, nil
	}
	client, err := s.conn.get()
	if err != nil {
		return nil, err
	}
	opts := esdb.ReadStreamOptions{Direction: esdb.Forwards, From: esdb.Revision(from)}
	records, err := readStream(ctx, client, stream, opts, math.MaxInt64)
	if err != nil {
		return nil, fmt.Errorf("read stream %s from %d: %w", stream, from, s.conn.failed(client, err))
	}
	return records, nil
}

// readStream reads a stream into Records; a missing stream reads as none.
func readStream(ctx context.Context, client *esdb.Client, stream string, opts esdb.ReadStreamOptions, count uint64) ([]eventlog.Record, error) {
	read, err := client.ReadStream(ctx, stream, opts, count)
	if err != nil {
		return nil, err
	}
	events, err := drain(read)
	if isNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	records := make([]eventlog.Record, len(events))
	for i, e := range events {
		if records[i], err = fromRecorded(e); err != nil {
			return nil, err
		}
	}
	return records, nil
}

// drain receives every event of a read.
func drain(read *esdb.ReadStream) ([]*esdb.RecordedEvent, error) {
	defer read.Close()
	var events []*esdb.RecordedEvent
	for {
		resolved, err := read.Recv()
		if errors.Is(err, io.EOF) {
			return events, nil
		}
		if err != nil {
			return nil, err
		}
		events = append(events, resolved.Event) // links are not resolved: a link is the event read
	}
}

func readAll(ctx context.Context, client *esdb.Client, dir esdb.Direction, from esdb.AllPosition, count uint64) ([]*esdb.RecordedEvent, error) {
	read, err := client.ReadAll(ctx, esdb.ReadAllOptions{Direction: dir, From: from}, count)
	if err != nil {
		return nil, err
	}
	return drain(read)
}

// ReadAll returns up to limit events after the position, skipping system events.
//
// WARNING: a forward $all read starts AT its position, inclusive (a subscription starts
// after it): the event at after itself is skipped here, and so is anything not after it.
func (s *Store) ReadAll(ctx context.Context, after eventlog.Position, limit int) ([]eventlog.Record, error) {
	if limit <= 0 {
		return nil, fmt.Errorf("read all after %s: limit %d is not positive", after, limit)
	}
	client, err := s.conn.get()
	if err != nil {
		return nil, err
	}
	var out []eventlog.Record
	cursor := after
	for len(out) < limit {
		page := uint64(min(max(limit-len(out)+1, minAllPage), maxAllPage))
		events, err := readAll(ctx, client, esdb.Forwards, allPosition(cursor), page)
		if err != nil {
			return nil, fmt.Errorf("read all after %s: %w", cursor, s.conn.failed(client, err))
		}
		moved := false
		for _, e := range events {
			pos := fromPosition(e.Position)
			if !cursor.Less(pos) {
				continue
			}
			cursor, moved = pos, true
			if isSystem(e) {
				continue
			}
			r, err := fromRecorded(e)
			if err != nil {
				return nil, fmt.Errorf("read all: %w", err)
			}
			if out = append(out, r); len(out) == limit {
				break
			}
		}
		if uint64(len(events)) < page || !moved { // the end of the log
			break
		}
	}
	return out, nil
}

// Head reads $all backwards to the last event that is not a system event.
func (s *Store) Head(ctx context.Context) (eventlog.Position, error) {
	client, err := s.conn.get()
	if err != nil {
		return eventlog.Start, err
	}
	var from esdb.AllPosition = esdb.End{}
	var cursor *eventlog.Position // the earliest event seen so far
	for {
		events, err := readAll(ctx, client, esdb.Backwards, from, minAllPage)
		if err != nil {
			return eventlog.Start, fmt.Errorf("head: %w", s.conn.failed(client, err))
		}
		moved := false
		for _, e := range events {
			pos := fromPosition(e.Position)
			if cursor != nil && !pos.Less(*cursor) {
				continue // a backward read starts before its position; this guards anyway
			}
			cursor, moved = &pos, true
			if !isSystem(e) {
				return pos, nil
			}
		}
		if len(events) < minAllPage || !moved {
			return eventlog.Start, nil // only system events, or none
		}
		from = allPosition(*cursor)
	}
}

// lastEvents reads up to n of the stream's last events, in revision order; none for a
// missing stream.
func lastEvents(ctx context.Context, client *esdb.Client, stream string, n int) ([]eventlog.Record, error) {
	opts := esdb.ReadStreamOptions{Direction: esdb.Backwards, From: esdb.End{}}
	records, err := readStream(ctx, client, stream, opts, uint64(n))
	slices.Reverse(records)
	return records, err
}

// eventsFrom reads up to n of the stream's events from revision from.
func eventsFrom(ctx context.Context, client *esdb.Client, stream string, from uint64, n int) ([]eventlog.Record, error) {
	opts := esdb.ReadStreamOptions{Direction: esdb.Forwards, From: esdb.Revision(from)}
	return readStream(ctx, client, stream, opts, uint64(n))
}
