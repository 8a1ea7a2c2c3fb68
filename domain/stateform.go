package domain

import (
	"encoding"
	"encoding/json"
)

// AppendState appends a state's snapshot form to b: its binary form if S has one
// (encoding.BinaryAppender, read back by *S's encoding.BinaryUnmarshaler; large states
// such as an account's), else its JSON. Which one a decider's S uses is part of what its
// Version names.
func AppendState[S any](b []byte, s S) ([]byte, error) {
	if a, ok := any(s).(encoding.BinaryAppender); ok {
		return a.AppendBinary(b)
	}
	data, err := json.Marshal(s)
	return append(b, data...), err
}

// ReadState reads a state that AppendState wrote (all of data).
func ReadState[S any](data []byte) (S, error) {
	var s S
	if u, ok := any(&s).(encoding.BinaryUnmarshaler); ok {
		return s, u.UnmarshalBinary(data)
	}
	return s, json.Unmarshal(data, &s)
}
