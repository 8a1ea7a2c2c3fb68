package sqlite

import (
	"context"
	"errors"
	"fmt"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// apply decides one request inside the batch transaction and inserts it if accepted.
// It sees the effects of the requests before it in the same batch (pending states).
// The returned error is fatal to the whole batch; a refusal is an error inside the reply.
func (w *writer) apply(ctx context.Context, req *appendRequest) (appendReply, error) {
	st, err := w.state(ctx, req.stream)
	if err != nil {
		return appendReply{}, err
	}
	if !req.expected.Allows(st.exists, st.last) {
		// Perhaps a retry of an append that already landed: the ids tell.
		return w.resolve(ctx, req, st, false)
	}
	first := uint64(0)
	if st.exists {
		first = st.last + 1
	}
	start := w.next
	err = w.insert(ctx, req, first, start)
	if err == nil {
		n := uint64(len(req.rows))
		last := first + n - 1
		w.next += n
		w.pending[req.stream] = streamState{exists: true, last: last}
		return appended(last, w.next-1), nil
	}
	if !isUniqueViolation(err) {
		return appendReply{}, fmt.Errorf("insert into %s: %w", req.stream, err)
	}
	// An id is already stored. A statement that fails is undone by SQLite, but an append
	// split over several statements may have left its first chunks: remove them.
	if len(req.rows) > maxRowsPerInsert {
		if _, err := w.stmts.undo.ExecContext(ctx, int64(start)); err != nil {
			return appendReply{}, fmt.Errorf("undo insert into %s: %w", req.stream, err)
		}
	}
	return w.resolve(ctx, req, st, true)
}

// insert writes the request's rows at revisions first… and positions start…, in
// multi-row INSERTs of up to maxRowsPerInsert rows.
func (w *writer) insert(ctx context.Context, req *appendRequest, first, start uint64) error {
	for off := 0; off < len(req.rows); off += maxRowsPerInsert {
		chunk := req.rows[off:min(off+maxRowsPerInsert, len(req.rows))]
		stmt, err := w.stmts.insert(ctx, len(chunk))
		if err != nil {
			return err
		}
		w.args = w.args[:0]
		for i, r := range chunk {
			k := uint64(off + i)
			w.args = append(w.args, int64(start+k), req.stream, int64(first+k), r.id, r.typ, r.data, r.metadata)
		}
		_, err = stmt.ExecContext(ctx, w.args...)
		clear(w.args) // do not keep the events' bytes alive
		if err != nil {
			return err
		}
	}
	return nil
}

func isUniqueViolation(err error) bool {
	var e *sqlite.Error
	return errors.As(err, &e) && e.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE
}
