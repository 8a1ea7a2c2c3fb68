package domain

import "encoding/json"

// A state's snapshot form is its JSON, unless S has a binary one (large states, such
// as an account's): then S has AppendSnapshot and *S ReadSnapshot. Which one a
// decider's S uses is part of what its Version names.
type (
	snapshotAppender interface {
		AppendSnapshot(b []byte) ([]byte, error)
	}
	// snapshotReader reads in place: data is the state's from then on (it may keep
	// parts of it rather than copy them), so the caller must never change it.
	snapshotReader interface {
		ReadSnapshot(data []byte) error
	}
)

// AppendState appends a state's snapshot form to b.
func AppendState[S any](b []byte, s S) ([]byte, error) {
	if a, ok := any(s).(snapshotAppender); ok {
		return a.AppendSnapshot(b)
	}
	data, err := json.Marshal(s)
	return append(b, data...), err
}

// ReadState reads a state that AppendState wrote: all of data, which the state may
// keep (the caller must never change it afterwards).
func ReadState[S any](data []byte) (S, error) {
	var s S
	if r, ok := any(&s).(snapshotReader); ok {
		return s, r.ReadSnapshot(data)
	}
	return s, json.Unmarshal(data, &s)
}
