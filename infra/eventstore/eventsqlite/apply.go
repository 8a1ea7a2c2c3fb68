package eventsqlite

import (
	"context"
	"errors"
	"fmt"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// pendingRow is an accepted event waiting for flush.
type pendingRow struct {
	position, revision uint64
	stream             string
	row                *row
}

// apply decides one request inside the batch transaction and, if accepted, queues its
// rows for flush. It sees the requests before it in the same batch through their pending
// states (and, after a flush, their rows).
// The returned error is fatal to the whole batch; a refusal is an error inside the reply.
func (w *writer) apply(ctx context.Context, req *appendRequest) (appendReply, error) {
	st, err := w.state(ctx, req.stream)
	if err != nil {
		return appendReply{}, err
	}
	if !req.expected.Allows(st.Exists, st.Last) {
		// Perhaps a retry of an append that landed: its events must be in the file.
		if err := w.flush(ctx); err != nil {
			return appendReply{}, err
		}
		return w.checkRetry(ctx, req, st)
	}
	first := uint64(0)
	if st.Exists {
		first = st.Last + 1
		if !st.TailKnown(len(req.ids)) {
			if err := w.flush(ctx); err != nil { // checkTail will read the file
				return appendReply{}, err
			}
		}
		if reply, decided, err := w.checkTail(ctx, req, &st); err != nil || decided {
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

// flush inserts the queued rows, in multi-row INSERTs of up to maxRowsPerInsert rows:
// one statement for a typical batch instead of one per append. A failure fails the whole
// batch, so the chunks already inserted are rolled back with it.
func (w *writer) flush(ctx context.Context) error {
	defer func() {
		clear(w.rows) // do not keep the events' bytes alive
		w.rows = w.rows[:0]
	}()
	for off := 0; off < len(w.rows); off += maxRowsPerInsert {
		chunk := w.rows[off:min(off+maxRowsPerInsert, len(w.rows))]
		stmt, err := w.stmts.insert(ctx, len(chunk))
		if err != nil {
			return err
		}
		w.args = w.args[:0]
		for _, p := range chunk {
			r := p.row
			w.args = append(w.args, int64(p.position), p.stream, int64(p.revision), r.id, r.typ, r.data, r.metadata)
		}
		_, err = stmt.ExecContext(ctx, w.args...)
		clear(w.args)
		if err != nil {
			if isUniqueViolation(err) {
				// Only events_by_stream is unique: a revision the writer computed is
				// taken, which only another process writing the file can cause.
				w.cache.Reset()
				w.heads.reset()
				w.known.invalidate()
				err = fmt.Errorf("%w (revision cache out of date: is another process writing the file?)", err)
			}
			return fmt.Errorf("insert: %w", err)
		}
	}
	return nil
}

func isUniqueViolation(err error) bool {
	var e *sqlite.Error
	return errors.As(err, &e) && e.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE
}
