package postgres

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"github.com/chance-video/chance/infra/eventstore/internal/appendlog"
)

// apply decides one request of the batch and, if accepted, queues its rows for the
// batch's INSERT. It sees the requests before it in the same batch through their pending
// states and rows. The returned error is fatal to the whole batch; a refusal is an error
// inside the reply.
func (w *writer) apply(ctx context.Context, q querier, req *appendRequest) (appendReply, error) {
	st, err := w.state(ctx, q, req.stream)
	if err != nil {
		return appendReply{}, err
	}
	if !req.expected.Allows(st.Exists, st.Last) {
		// Perhaps a retry of an append that landed: its events must be stored.
		return w.checkRetry(ctx, q, req, st)
	}
	first := uint64(0)
	if st.Exists {
		first = st.Last + 1
		if reply, decided, err := w.checkTail(ctx, q, req, &st); err != nil || decided {
			return reply, err
		}
	}
	for i := range req.rows {
		k := uint64(i)
		w.rows = append(w.rows, pendingRow{position: w.next + k, revision: first + k, stream: req.stream, row: &req.rows[i]})
	}
	n := uint64(len(req.rows))
	w.next += n
	last := first + n - 1
	w.pending[req.stream] = st.Pushed(req.ids, last, w.next-1)
	return appended(last, w.next-1), nil
}

// state is the stream's state as the open batch sees it.
func (w *writer) state(ctx context.Context, q querier, stream string) (appendlog.StreamState, error) {
	if st, ok := w.pending[stream]; ok {
		return st, nil
	}
	st, ok := w.cache.Get(stream)
	if !ok {
		// loadMissing read it, but a tiny cache may have evicted it since.
		if err := w.loadStates(ctx, q, []string{stream}); err != nil {
			return appendlog.StreamState{}, err
		}
		st, _ = w.cache.Get(stream)
	}
	w.bases[stream] = st // what the batch's decisions on this stream rest on
	return st, nil
}

// loadMissing reads the states of the batch's streams that are not cached, in one query.
func (w *writer) loadMissing(ctx context.Context, q querier, batch []*appendRequest) error {
	var missing []string
	seen := make(map[string]struct{}, len(batch))
	for _, req := range batch {
		if _, ok := seen[req.stream]; ok {
			continue
		}
		seen[req.stream] = struct{}{}
		if _, ok := w.cache.Get(req.stream); !ok {
			missing = append(missing, req.stream)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	return w.loadStates(ctx, q, missing)
}

// loadStates reads the streams' last events and caches their states. A stream without
// events is cached as missing.
func (w *writer) loadStates(ctx context.Context, q querier, streams []string) error {
	rows, err := q.Query(ctx, w.sql.tails, streams)
	if err != nil {
		return fmt.Errorf("read the state of %d streams: %w", len(streams), err)
	}
	type stored struct {
		revision, position uint64
		id                 uuid.UUID
	}
	newest := make(map[string][]stored, len(streams)) // newest first, as the query reads
	for rows.Next() {
		var (
			stream   string
			rev, pos int64
			id       uuid.UUID
		)
		if err := rows.Scan(&stream, &rev, &id, &pos); err != nil {
			rows.Close()
			return fmt.Errorf("read the state of %d streams: %w", len(streams), err)
		}
		newest[stream] = append(newest[stream], stored{revision: uint64(rev), position: uint64(pos), id: id})
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read the state of %d streams: %w", len(streams), err)
	}
	for _, stream := range streams {
		var st appendlog.StreamState
		if events := newest[stream]; len(events) > 0 {
			ids := make([]uuid.UUID, len(events))
			for i, e := range events {
				ids[i] = e.id
			}
			st = appendlog.Existing(events[0].revision, events[0].position, ids)
		}
		w.cache.Put(stream, st)
	}
	return nil
}
