package eventsqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/google/uuid"

	"github.com/chance-video/chance/infra/eventstore/internal/appendlog"
)

// checkRetry answers an append whose expectation the stream does not meet (the
// idempotency rules are appendlog's).
func (w *writer) checkRetry(ctx context.Context, req *appendRequest, st appendlog.StreamState) (appendReply, error) {
	a := req.attempt()
	first, ok := appendlog.RetryWindow(a, st)
	if !ok {
		return appendReply{err: appendlog.Conflict(a, st)}, nil
	}
	stored, lastPos, err := w.window(ctx, req.stream, first, len(req.ids))
	if err != nil {
		return appendReply{}, err
	}
	return verdictReply(appendlog.JudgeRetry(a, st, first, stored, lastPos)), nil
}

// checkTail looks for the append's ids among the last len(ids) events of the existing
// stream whose state (met by the expectation) is st. decided is false when none is
// there: the append goes ahead.
func (w *writer) checkTail(ctx context.Context, req *appendRequest, st *appendlog.StreamState) (reply appendReply, decided bool, err error) {
	first, stored, lastPos, known := st.TailWindow(len(req.ids))
	if !known {
		if stored, lastPos, err = w.window(ctx, req.stream, first, len(req.ids)); err != nil {
			return appendReply{}, false, err
		}
	}
	v := appendlog.JudgeTail(req.attempt(), *st, first, stored, lastPos)
	return verdictReply(v), v.Decided, nil
}

func verdictReply(v appendlog.Verdict) appendReply {
	if v.Err != nil || !v.Decided {
		return appendReply{err: v.Err}
	}
	return appended(v.Last, v.LastPos)
}

// window reads the ids of up to n of the stream's events from revision first on, and
// the position of the last one read. Revisions have no gaps, so ids[i] is at first+i.
func (w *writer) window(ctx context.Context, stream string, first uint64, n int) (ids []uuid.UUID, lastPos uint64, err error) {
	rows, err := w.stmts.window.QueryContext(ctx, stream, int64(first), n)
	if err != nil {
		return nil, 0, fmt.Errorf("read %s from revision %d: %w", stream, first, err)
	}
	defer rows.Close()
	for rows.Next() {
		e, err := scanStored(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("read %s from revision %d: %w", stream, first, err)
		}
		if e.revision != first+uint64(len(ids)) {
			return nil, 0, fmt.Errorf("stream %s has no revision %d", stream, first+uint64(len(ids)))
		}
		ids, lastPos = append(ids, e.id), e.position
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("read %s from revision %d: %w", stream, first, err)
	}
	return ids, lastPos, nil
}

// storedEvent is one row of the tail and window queries.
type storedEvent struct {
	revision, position uint64
	id                 uuid.UUID
}

func scanStored(rows *sql.Rows) (storedEvent, error) {
	var (
		rev, pos int64
		id       sql.RawBytes
	)
	if err := rows.Scan(&rev, &id, &pos); err != nil {
		return storedEvent{}, err
	}
	uid, err := uuid.FromBytes(id)
	if err != nil {
		return storedEvent{}, fmt.Errorf("event at %d: id: %w", pos, err)
	}
	return storedEvent{revision: uint64(rev), position: uint64(pos), id: uid}, nil
}
