package postgres

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"github.com/chance-video/chance/eventlog"
)

// Idempotency, per stream and by event id (the rules are the eventlog.Store doc's):
//
//   - an expectation the stream does not meet: the append is a retry if its ids are
//     exactly the stream's events at the revisions the expectation implies (from 0 for
//     NoStream, from r+1 for Exact(r)); anything else is a conflict (checkRetry);
//   - an expectation the stream meets, on an existing stream: the ids are compared with
//     the stream's last len(ids) events. None shared: the append goes ahead. Exactly those
//     events, under Any or StreamExists: a retry. Otherwise a conflict (checkTail).
//
// Both look only at a window of the stream, through the (stream_id, revision) index, and
// checkTail usually not even that: the stream's state keeps its last few ids in memory.
// WARNING: ids are not looked for anywhere else. An id repeated from deeper in the stream
// is written again, so a retry under Any is recognised only while nothing was appended
// to the stream after it.

// checkRetry answers an append whose expectation the stream does not meet.
func (w *writer) checkRetry(ctx context.Context, q querier, req *appendRequest, st streamState) (appendReply, error) {
	first, ok := impliedFirst(req.expected, st)
	if !ok {
		return appendReply{err: conflict(req, st)}, nil
	}
	stored, lastPos, err := w.window(ctx, q, req.stream, first, len(req.ids))
	if err != nil {
		return appendReply{}, err
	}
	if reply, decided := judge(req, st, first, stored, lastPos, true); decided {
		return reply, nil
	}
	return appendReply{err: conflict(req, st)}, nil // no id shared: an ordinary conflict
}

// impliedFirst is the revision an append at e would have started at, when the stream has
// an event there. Any and StreamExists cannot be unmet by an existing stream; Exact(r)
// with r past the last revision implies events that do not exist.
func impliedFirst(e eventlog.Expected, st streamState) (uint64, bool) {
	if !st.exists {
		return 0, false
	}
	if e.IsNoStream() {
		return 0, true
	}
	if r, exact := e.Revision(); exact && r < st.last {
		return r + 1, true
	}
	return 0, false
}

// checkTail looks for the append's ids among the last len(ids) events of the existing
// stream whose state (met by the expectation) is st. decided is false when none is
// there: the append goes ahead.
func (w *writer) checkTail(ctx context.Context, q querier, req *appendRequest, st *streamState) (reply appendReply, decided bool, err error) {
	n := len(req.ids)
	retry := req.expected.IsAny() || req.expected.IsStreamExists()
	if st.tailKnown(n) {
		k := min(n, st.tailLen)
		reply, decided = judge(req, *st, st.last+1-uint64(k), st.tail[st.tailLen-k:st.tailLen], st.lastPos, retry)
		return reply, decided, nil
	}
	first := uint64(0)
	if st.last+1 > uint64(n) {
		first = st.last + 1 - uint64(n)
	}
	stored, lastPos, err := w.window(ctx, q, req.stream, first, n)
	if err != nil {
		return appendReply{}, false, err
	}
	reply, decided = judge(req, *st, first, stored, lastPos, retry)
	return reply, decided, nil
}

// judge compares the append's ids with stored, the stream's ids from revision first on
// (the last of them at lastPos). A retry candidate whose ids are exactly stored succeeds;
// any shared id otherwise is a conflict; decided is false when no id is shared.
func judge(req *appendRequest, st streamState, first uint64, stored []uuid.UUID, lastPos uint64, retry bool) (appendReply, bool) {
	if retry && sameIDs(stored, req.ids) {
		return appended(first+uint64(len(stored))-1, lastPos), true
	}
	i := indexShared(stored, req.ids)
	if i < 0 {
		return appendReply{}, false
	}
	return appendReply{err: fmt.Errorf("event %s already stored at revision %d: %w",
		stored[i], first+uint64(i), conflict(req, st))}, true
}

func conflict(req *appendRequest, st streamState) *eventlog.WrongExpectedRevisionError {
	return &eventlog.WrongExpectedRevisionError{
		Stream: req.stream, Expected: req.expected, ActualExists: st.exists, Actual: st.last,
	}
}

func sameIDs(a, b []uuid.UUID) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// indexShared returns the index in stored of the first id that is also in ids, or -1.
func indexShared(stored, ids []uuid.UUID) int {
	if len(stored)*len(ids) <= 64 { // the usual small append: no map
		for i, s := range stored {
			for _, id := range ids {
				if s == id {
					return i
				}
			}
		}
		return -1
	}
	set := make(map[uuid.UUID]struct{}, len(ids))
	for _, id := range ids {
		set[id] = struct{}{}
	}
	for i, s := range stored {
		if _, ok := set[s]; ok {
			return i
		}
	}
	return -1
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
