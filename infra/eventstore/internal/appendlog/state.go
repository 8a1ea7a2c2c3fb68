package appendlog

import "github.com/google/uuid"

// TailIDs is how many of a stream's last event ids its state keeps: enough to run the
// idempotency check of the usual one-to-four-event append from memory (see CheckTail).
const TailIDs = 4

// StreamState is where a stream is: missing, or at its last revision and position, with
// the ids of its last few events.
type StreamState struct {
	Exists  bool
	Last    uint64 // revision of the last event
	LastPos uint64 // position of the last event

	tail    [TailIDs]uuid.UUID // ids of the last tailLen events, oldest first
	tailLen int
}

// Existing is the state of a stream whose last event is at revision last and position
// lastPos; newestFirst are the ids of its last events (at most TailIDs are kept), newest
// first as a query ordered by revision descending reads them.
func Existing(last, lastPos uint64, newestFirst []uuid.UUID) StreamState {
	st := StreamState{Exists: true, Last: last, LastPos: lastPos}
	n := min(len(newestFirst), TailIDs)
	for i := range n {
		st.tail[i] = newestFirst[n-1-i]
	}
	st.tailLen = n
	return st
}

// TailKnown reports whether the ids of the stream's last n events are all in memory
// (a stream shorter than n has fewer; those are enough).
func (st *StreamState) TailKnown(n int) bool {
	return st.tailLen >= n || uint64(st.tailLen) == st.Last+1
}

// Pushed is the state after ids were appended, the last at revision last and position pos.
func (st StreamState) Pushed(ids []uuid.UUID, last, pos uint64) StreamState {
	next := StreamState{Exists: true, Last: last, LastPos: pos}
	if len(ids) < TailIDs {
		keep := min(st.tailLen, TailIDs-len(ids))
		next.tailLen = copy(next.tail[:], st.tail[st.tailLen-keep:st.tailLen])
	}
	next.tailLen += copy(next.tail[next.tailLen:], ids[max(0, len(ids)-TailIDs):])
	return next
}
