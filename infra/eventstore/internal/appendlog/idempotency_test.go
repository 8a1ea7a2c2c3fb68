package appendlog

import (
	"errors"
	"testing"

	"github.com/google/uuid"

	"github.com/chance-video/chance/eventlog"
)

// TestJudgeTail: on a stream whose last events are known, the same ids under Any are a
// retry, the same ids under Exact a conflict, a shared id a conflict, new ids go ahead.
func TestJudgeTail(t *testing.T) {
	ids := []uuid.UUID{uuid.New(), uuid.New(), uuid.New()}
	st := Existing(2, 7, []uuid.UUID{ids[2], ids[1], ids[0]})
	check := func(name string, a Append, decided bool, wantErr error) Verdict {
		t.Helper()
		first, stored, lastPos, known := st.TailWindow(len(a.IDs))
		if !known {
			t.Fatalf("%s: tail of a 3-event stream not known", name)
		}
		v := JudgeTail(a, st, first, stored, lastPos)
		if v.Decided != decided || !errors.Is(v.Err, wantErr) || (wantErr == nil) != (v.Err == nil) {
			t.Errorf("%s: %+v", name, v)
		}
		return v
	}
	if v := check("retry", Append{"s", eventlog.Any, ids[1:]}, true, nil); v.Last != 2 || v.LastPos != 7 {
		t.Errorf("retry lands at %d/%d, want 2/7", v.Last, v.LastPos)
	}
	check("exact", Append{"s", eventlog.Exact(2), ids[1:]}, true, eventlog.ErrWrongExpectedRevision)
	check("shared", Append{"s", eventlog.Any, []uuid.UUID{uuid.New(), ids[2]}}, true, eventlog.ErrWrongExpectedRevision)
	check("new", Append{"s", eventlog.Any, []uuid.UUID{uuid.New()}}, false, nil)
	if _, _, _, known := st.TailWindow(TailIDs + 1); !known {
		t.Error("a stream shorter than the window should be known")
	}
}

// TestRetryWindow: an unmet expectation implies the revision the append would have
// started at, when the stream has an event there.
func TestRetryWindow(t *testing.T) {
	st := Existing(4, 9, []uuid.UUID{uuid.New()})
	for _, c := range []struct {
		expected eventlog.Expected
		first    uint64
		ok       bool
	}{{eventlog.NoStream, 0, true}, {eventlog.Exact(1), 2, true}, {eventlog.Exact(4), 0, false}, {eventlog.Exact(7), 0, false}} {
		if first, ok := RetryWindow(Append{Expected: c.expected}, st); first != c.first || ok != c.ok {
			t.Errorf("%v: %d %v, want %d %v", c.expected, first, ok, c.first, c.ok)
		}
	}
	if _, ok := RetryWindow(Append{Expected: eventlog.Exact(0)}, StreamState{}); ok {
		t.Error("a missing stream has no window")
	}
	v := JudgeRetry(Append{Stream: "s", Expected: eventlog.NoStream, IDs: []uuid.UUID{uuid.New()}}, st, 0, []uuid.UUID{uuid.New()}, 1)
	if !v.Decided || !errors.Is(v.Err, eventlog.ErrWrongExpectedRevision) {
		t.Errorf("no id shared: %+v, want an ordinary conflict", v)
	}
}
