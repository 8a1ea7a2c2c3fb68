package eventsqlite

import (
	"context"
	"database/sql"
	"fmt"
	"math"

	"github.com/google/uuid"

	"github.com/chance-video/chance/eventlog"
	"github.com/chance-video/chance/infra/eventstore/internal/appendlog"
)

// ReadStream returns the stream's events from revision from on, in revision order; a
// missing stream is empty. It is one statement, so it reads one consistent snapshot.
func (s *Store) ReadStream(ctx context.Context, stream string, from uint64) ([]eventlog.Record, error) {
	if err := s.usable(ctx); err != nil {
		return nil, fmt.Errorf("read stream %s: %w", stream, err)
	}
	if from > math.MaxInt64 {
		return nil, nil // beyond any revision SQLite can hold
	}
	rows, err := s.reads.stream.QueryContext(ctx, stream, int64(from))
	if err != nil {
		return nil, fmt.Errorf("read stream %s: %w", stream, err)
	}
	records, err := scanRecords(rows, 0)
	if err != nil {
		return nil, fmt.Errorf("read stream %s: %w", stream, err)
	}
	return records, nil
}

// ReadStreamRange returns the stream's events from revision from to revision to (both
// included), in revision order: what a command replaying a request reads, without the
// rest of the stream.
func (s *Store) ReadStreamRange(ctx context.Context, stream string, from, to uint64) ([]eventlog.Record, error) {
	if err := s.usable(ctx); err != nil {
		return nil, fmt.Errorf("read stream %s: %w", stream, err)
	}
	if from > math.MaxInt64 || from > to {
		return nil, nil
	}
	rows, err := s.reads.span.QueryContext(ctx, stream, int64(from), int64(min(to, math.MaxInt64)))
	if err != nil {
		return nil, fmt.Errorf("read stream %s: %w", stream, err)
	}
	records, err := scanRecords(rows, 0)
	if err != nil {
		return nil, fmt.Errorf("read stream %s: %w", stream, err)
	}
	return records, nil
}

// ReadAll returns up to limit (> 0) events after position, in commit order.
func (s *Store) ReadAll(ctx context.Context, after eventlog.Position, limit int) ([]eventlog.Record, error) {
	if limit <= 0 {
		return nil, fmt.Errorf("read log after %s: limit %d is not positive", after, limit)
	}
	if err := s.usable(ctx); err != nil {
		return nil, fmt.Errorf("read log after %s: %w", after, err)
	}
	records, err := s.readAll(ctx, after, limit)
	if err != nil {
		return nil, fmt.Errorf("read log after %s: %w", after, err)
	}
	return records, nil
}

func (s *Store) readAll(ctx context.Context, after eventlog.Position, limit int) ([]eventlog.Record, error) {
	if after.Commit > math.MaxInt64 {
		return nil, nil // beyond any position SQLite can hold
	}
	rows, err := s.reads.all.QueryContext(ctx, int64(after.Commit), limit)
	if err != nil {
		return nil, err
	}
	return scanRecords(rows, limit)
}

// scanRecords reads and closes rows of recordColumns.
func scanRecords(rows *sql.Rows, sizeHint int) ([]eventlog.Record, error) {
	defer rows.Close()
	var records []eventlog.Record
	if sizeHint > 0 {
		records = make([]eventlog.Record, 0, min(sizeHint, 1024))
	}
	for rows.Next() {
		var (
			r        eventlog.Record
			pos, rev int64
			id, meta sql.RawBytes // decoded at once, so not copied
			data     []byte       // kept: copied out of SQLite's buffer by Scan
		)
		if err := rows.Scan(&pos, &r.StreamID, &rev, &id, &r.Type, &data, &meta); err != nil {
			return nil, err
		}
		var err error
		if r.ID, err = uuid.FromBytes(id); err != nil {
			return nil, fmt.Errorf("event at %d: id: %w", pos, err)
		}
		if r.Metadata, err = appendlog.DecodeMetadata(meta); err != nil {
			return nil, fmt.Errorf("event at %d: %w", pos, err)
		}
		r.Data = data
		r.Revision = uint64(rev)
		r.Position = position(uint64(pos))
		records = append(records, r)
	}
	return records, rows.Err()
}

// CommittedNext is how many events stream holds, if this process has appended to it
// since it opened the file (and the stream is still among the streamHeads kept), or 0
// when the file certainly holds none (knownStreams); false when it does not know, and
// the file must be read. Commands use it to skip the read
// of a stream whose cached state is current.
func (s *Store) CommittedNext(stream string) (uint64, bool) {
	if next, ok := s.w.heads.get(stream); ok {
		return next, true
	}
	if s.w.known.absent(stream) {
		return 0, true // the file holds none of its events (knownStreams)
	}
	return 0, false
}
