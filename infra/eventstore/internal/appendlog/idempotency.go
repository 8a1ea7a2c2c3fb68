package appendlog

import (
	"fmt"

	"github.com/google/uuid"

	"github.com/chance-video/chance/eventlog"
)

// Idempotency, per stream and by event id (the rules are the eventlog.Store doc's):
//
//   - an expectation the stream does not meet: the append is a retry if its ids are
//     exactly the stream's events at the revisions the expectation implies (from 0 for
//     NoStream, from r+1 for Exact(r)); anything else is a conflict (RetryWindow);
//   - an expectation the stream meets, on an existing stream: the ids are compared with
//     the stream's last len(ids) events. None shared: the append goes ahead. Exactly those
//     events, under Any or StreamExists: a retry. Otherwise a conflict (TailWindow).
//
// Both look only at a window of the stream, which a store reads through its
// (stream, revision) index, and the tail check usually not even that: the stream's state
// keeps its last few ids in memory.
// WARNING: ids are not looked for anywhere else. An id repeated from deeper in the stream
// is written again, so a retry under Any is recognised only while nothing was appended
// to the stream after it.

// Append is what the idempotency rules look at in an append.
type Append struct {
	Stream   string
	Expected eventlog.Expected
	IDs      []uuid.UUID
}

// Verdict is the outcome of comparing an append with a window of its stream.
type Verdict struct {
	Decided bool  // false: no id shared
	Err     error // decided: the refusal, or nil for a retry of an append that landed
	// A retry: the revision and position of the last of its events.
	Last, LastPos uint64
}

// RetryWindow is the window of the stream to compare an append whose expectation st does
// not meet with: its len(a.IDs) events from revision first on. ok is false when there is
// none: the append is an ordinary conflict.
//
// It is the revision an append at the expectation would have started at, when the
// stream has an event there. Any and StreamExists cannot be unmet by an existing stream;
// Exact(r) with r past the last revision implies events that do not exist.
func RetryWindow(a Append, st StreamState) (first uint64, ok bool) {
	if !st.Exists {
		return 0, false
	}
	if a.Expected.IsNoStream() {
		return 0, true
	}
	if r, exact := a.Expected.Revision(); exact && r < st.Last {
		return r + 1, true
	}
	return 0, false
}

// JudgeRetry compares an append whose expectation st does not meet with the stream's ids
// from revision first on (RetryWindow; the last of them at lastPos): a retry, or a
// conflict.
func JudgeRetry(a Append, st StreamState, first uint64, stored []uuid.UUID, lastPos uint64) Verdict {
	if v := judge(a, st, first, stored, lastPos, true); v.Decided {
		return v
	}
	return Verdict{Decided: true, Err: Conflict(a, st)} // no id shared: an ordinary conflict
}

// TailWindow is the window of the existing stream to compare an append that st meets
// with: its last n events, from revision first on. When their ids are in memory they are
// stored (the last at lastPos) and known is true; otherwise the store reads them.
func (st *StreamState) TailWindow(n int) (first uint64, stored []uuid.UUID, lastPos uint64, known bool) {
	if st.TailKnown(n) {
		k := min(n, st.tailLen)
		return st.Last + 1 - uint64(k), st.tail[st.tailLen-k : st.tailLen], st.LastPos, true
	}
	if st.Last+1 > uint64(n) {
		first = st.Last + 1 - uint64(n)
	}
	return first, nil, 0, false
}

// JudgeTail compares an append that st meets with the stream's ids from revision first
// on (TailWindow; the last of them at lastPos). Not decided: the append goes ahead.
func JudgeTail(a Append, st StreamState, first uint64, stored []uuid.UUID, lastPos uint64) Verdict {
	return judge(a, st, first, stored, lastPos, a.Expected.IsAny() || a.Expected.IsStreamExists())
}

// judge compares the append's ids with stored, the stream's ids from revision first on
// (the last of them at lastPos). A retry candidate whose ids are exactly stored succeeds;
// any shared id otherwise is a conflict; it is not decided when no id is shared.
func judge(a Append, st StreamState, first uint64, stored []uuid.UUID, lastPos uint64, retry bool) Verdict {
	if retry && sameIDs(stored, a.IDs) {
		return Verdict{Decided: true, Last: first + uint64(len(stored)) - 1, LastPos: lastPos}
	}
	i := indexShared(stored, a.IDs)
	if i < 0 {
		return Verdict{}
	}
	return Verdict{Decided: true, Err: fmt.Errorf("event %s already stored at revision %d: %w",
		stored[i], first+uint64(i), Conflict(a, st))}
}

// Conflict is the error of an append whose expectation the stream at st does not meet.
func Conflict(a Append, st StreamState) *eventlog.WrongExpectedRevisionError {
	return &eventlog.WrongExpectedRevisionError{
		Stream: a.Stream, Expected: a.Expected, ActualExists: st.Exists, Actual: st.Last,
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
