package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/chance-video/chance/eventlog"
)

// stored is where an event id already sits, if anywhere.
type stored struct {
	found    bool
	stream   string
	revision uint64
	position uint64
}

// resolve answers an append that cannot be inserted as asked: its expectation failed
// (afterInsert false) or one of its ids is already stored (afterInsert true).
//
// Idempotency rules, by event id:
//   - every id is stored, in this stream, as one contiguous run in the order given, and the
//     run starts where the expectation implies (revision 0 for NoStream, r+1 for Exact(r),
//     anywhere for Any and StreamExists): success, nothing written, the run's last
//     revision and position returned — the same answer as the first append;
//   - any id stored in another stream: ErrDuplicateEventID;
//   - otherwise, a partial overlap or a run at other revisions: *WrongExpectedRevisionError
//     (as EventStoreDB's WrongExpectedVersion), nothing written. A command handler that
//     reloads the stream then sees its own events and decides nothing new.
func (w *writer) resolve(ctx context.Context, req *appendRequest, st streamState, afterInsert bool) (appendReply, error) {
	at := make([]stored, len(req.ids))
	anyFound := false
	for i, id := range req.ids {
		var rev, pos int64
		err := w.stmts.findID.QueryRowContext(ctx, id[:]).Scan(&at[i].stream, &rev, &pos)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			continue
		case err != nil:
			return appendReply{}, fmt.Errorf("look up event %s: %w", id, err)
		}
		at[i].found, at[i].revision, at[i].position = true, uint64(rev), uint64(pos)
		anyFound = true
	}
	conflict := &eventlog.WrongExpectedRevisionError{
		Stream: req.stream, Expected: req.expected, ActualExists: st.exists, Actual: st.last,
	}
	if !anyFound {
		if afterInsert {
			// The insert broke UNIQUE(stream_id, revision), not the id index: the cached
			// revision is wrong, which only another writer on the file can cause.
			w.cache.reset()
			return appendReply{}, fmt.Errorf("revision cache of %s out of date (is another process writing the file?)", req.stream)
		}
		return appendReply{err: conflict}, nil
	}
	if last, ok := contiguousRun(at, req.stream); ok && impliedStart(req.expected, at[0].revision) {
		return appended(last.revision, last.position), nil
	}
	overlap := -1
	for i, s := range at {
		switch {
		case !s.found:
		case s.stream != req.stream:
			return appendReply{err: fmt.Errorf("append to %s: event %s is in stream %s: %w",
				req.stream, req.ids[i], s.stream, ErrDuplicateEventID)}, nil
		case overlap < 0:
			overlap = i
		}
	}
	return appendReply{err: fmt.Errorf("event %s already stored at revision %d: %w",
		req.ids[overlap], at[overlap].revision, conflict)}, nil
}

// contiguousRun reports whether every id is stored in stream at consecutive revisions,
// and returns the last one.
func contiguousRun(at []stored, stream string) (stored, bool) {
	for i, s := range at {
		if !s.found || s.stream != stream || s.revision != at[0].revision+uint64(i) {
			return stored{}, false
		}
	}
	return at[len(at)-1], true
}

// impliedStart reports whether a first event at revision first is where an append with
// this expectation would have put it.
func impliedStart(e eventlog.Expected, first uint64) bool {
	switch r, exact := e.Revision(); {
	case exact:
		return first == r+1
	case e.IsNoStream():
		return first == 0
	default: // Any, StreamExists
		return true
	}
}
