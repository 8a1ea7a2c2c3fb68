package appendlog

import (
	"fmt"
	"testing"

	"github.com/google/uuid"
)

// TestStreamStateTail: the state keeps the ids of the stream's last TailIDs events,
// oldest first, across appends of every size.
func TestStreamStateTail(t *testing.T) {
	var (
		st  StreamState
		all []uuid.UUID
	)
	for round, n := range []int{1, 2, 1, TailIDs + 2, 3, TailIDs, 1} {
		ids := make([]uuid.UUID, n)
		for i := range ids {
			ids[i] = uuid.New()
		}
		all = append(all, ids...)
		st = st.Pushed(ids, uint64(len(all)-1), uint64(100+round))
		want := all[max(0, len(all)-TailIDs):]
		if got := st.tail[:st.tailLen]; !sameIDs(got, want) {
			t.Fatalf("round %d: tail %v, want %v", round, got, want)
		}
		if !st.Exists || st.Last != uint64(len(all)-1) || st.LastPos != uint64(100+round) {
			t.Fatalf("round %d: state %+v", round, st)
		}
		if !st.TailKnown(TailIDs) || st.TailKnown(TailIDs+1) != (len(all) <= TailIDs) {
			t.Errorf("round %d: TailKnown wrong for %d events", round, len(all))
		}
	}
}

// TestExisting: a state read newest first keeps the newest TailIDs ids, oldest first.
func TestExisting(t *testing.T) {
	ids := []uuid.UUID{uuid.New(), uuid.New(), uuid.New(), uuid.New(), uuid.New()} // oldest first
	newest := []uuid.UUID{ids[4], ids[3], ids[2], ids[1], ids[0]}
	st := Existing(4, 9, newest)
	if got := st.tail[:st.tailLen]; !sameIDs(got, ids[1:]) {
		t.Fatalf("tail %v, want %v", got, ids[1:])
	}
	if short := Existing(1, 3, newest[3:]); !sameIDs(short.tail[:short.tailLen], ids[:2]) || !short.TailKnown(TailIDs) {
		t.Errorf("short stream: %+v", short)
	}
}

// TestRevisionCacheEvicts: the cache stays within its limit and keeps what was put last.
func TestRevisionCacheEvicts(t *testing.T) {
	c := NewRevisionCache(16)
	for i := range 100 {
		c.Put(fmt.Sprint(i), StreamState{Exists: true, Last: uint64(i)})
		if len(c.states) > 16 {
			t.Fatalf("after %d puts: %d states, limit 16", i+1, len(c.states))
		}
	}
	if st, ok := c.Get("99"); !ok || st.Last != 99 {
		t.Errorf("last put: %+v %v", st, ok)
	}
	c.Forget("99")
	if _, ok := c.Get("99"); ok {
		t.Error("forgotten stream still cached")
	}
}
