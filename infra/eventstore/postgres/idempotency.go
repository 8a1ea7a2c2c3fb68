package postgres

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"github.com/chance-video/chance/infra/eventstore/internal/appendlog"
)

// checkRetry answers an append whose expectation the stream does not meet (the
// idempotency rules are appendlog's).
func (w *writer) checkRetry(ctx context.Context, q querier, req *appendRequest, st appendlog.StreamState) (appendReply, error) {
	a := req.attempt()
	first, ok := appendlog.RetryWindow(a, st)
	if !ok {
		return appendReply{err: appendlog.Conflict(a, st)}, nil
	}
	stored, lastPos, err := w.window(ctx, q, req.stream, first, len(req.ids))
	if err != nil {
		return appendReply{}, err
	}
	return verdictReply(appendlog.JudgeRetry(a, st, first, stored, lastPos)), nil
}

// checkTail looks for the append's ids among the last len(ids) events of the existing
// stream whose state (met by the expectation) is st. decided is false when none is
// there: the append goes ahead.
func (w *writer) checkTail(ctx context.Context, q querier, req *appendRequest, st *appendlog.StreamState) (reply appendReply, decided bool, err error) {
	first, stored, lastPos, known := st.TailWindow(len(req.ids))
	if !known {
		if stored, lastPos, err = w.window(ctx, q, req.stream, first, len(req.ids)); err != nil {
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
// The batch's own accepted events are not in the table yet: they come from w.rows.
func (w *writer) window(ctx context.Context, q querier, stream string, first uint64, n int) (ids []uuid.UUID, lastPos uint64, err error) {
	wrap := func(err error) error { return fmt.Errorf("read %s from revision %d: %w", stream, first, err) }
	rows, err := q.Query(ctx, w.sql.window, stream, int64(first), n)
	if err != nil {
		return nil, 0, wrap(err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			rev, pos int64
			id       uuid.UUID
		)
		if err := rows.Scan(&rev, &id, &pos); err != nil {
			return nil, 0, wrap(err)
		}
		if uint64(rev) != first+uint64(len(ids)) {
			return nil, 0, wrap(fmt.Errorf("stream %s has no revision %d", stream, first+uint64(len(ids))))
		}
		ids, lastPos = append(ids, id), uint64(pos)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, wrap(err)
	}
	for _, p := range w.rows {
		if len(ids) == n {
			break
		}
		if p.stream == stream && p.revision == first+uint64(len(ids)) {
			ids, lastPos = append(ids, p.row.id), p.position
		}
	}
	return ids, lastPos, nil
}
