package domain

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
)

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

// AppendState appends a state's snapshot form to b: S's shape (StateShape, 8 bytes,
// big-endian), then the state.
func AppendState[S any](b []byte, s S) ([]byte, error) {
	b = binary.BigEndian.AppendUint64(b, StateShape[S]())
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
	if len(data) < 8 {
		return s, fmt.Errorf("state of %T: cut short", s)
	}
	if shape := binary.BigEndian.Uint64(data); shape != StateShape[S]() {
		return s, fmt.Errorf("state of %T: written for another shape of it (%016x, not %016x)", s, shape, StateShape[S]())
	}
	data = data[8:]
	if r, ok := any(&s).(snapshotReader); ok {
		return s, r.ReadSnapshot(data)
	}
	return s, json.Unmarshal(data, &s)
}
