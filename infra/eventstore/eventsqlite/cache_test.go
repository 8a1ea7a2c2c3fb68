package eventsqlite

import (
	"testing"

	"github.com/google/uuid"
)

// TestStreamStateTail: the state keeps the ids of the stream's last tailIDs events,
// oldest first, across appends of every size.
func TestStreamStateTail(t *testing.T) {
	var (
		st  streamState
		all []uuid.UUID
	)
	for round, n := range []int{1, 2, 1, tailIDs + 2, 3, tailIDs, 1} {
		ids := make([]uuid.UUID, n)
		for i := range ids {
			ids[i] = uuid.New()
		}
		all = append(all, ids...)
		st = st.pushed(ids, uint64(len(all)-1), uint64(100+round))
		want := all[max(0, len(all)-tailIDs):]
		if got := st.tail[:st.tailLen]; !sameIDs(got, want) {
			t.Fatalf("round %d: tail %v, want %v", round, got, want)
		}
		if !st.exists || st.last != uint64(len(all)-1) || st.lastPos != uint64(100+round) {
			t.Fatalf("round %d: state %+v", round, st)
		}
		if !st.tailKnown(tailIDs) || st.tailKnown(tailIDs+1) != (len(all) <= tailIDs) {
			t.Errorf("round %d: tailKnown wrong for %d events", round, len(all))
		}
	}
}
