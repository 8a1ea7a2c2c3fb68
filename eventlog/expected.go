package eventlog

import (
	"errors"
	"fmt"
)

type expectKind uint8

const (
	expectAny expectKind = iota
	expectNoStream
	expectExists
	expectExact
)

// Expected is the revision an append expects its stream to be at.
type Expected struct {
	kind     expectKind
	revision uint64
}

var (
	// Any appends whatever the stream's revision.
	Any = Expected{kind: expectAny}
	// NoStream appends only if the stream has no events yet.
	NoStream = Expected{kind: expectNoStream}
	// StreamExists appends only if the stream has at least one event.
	StreamExists = Expected{kind: expectExists}
)

// Exact appends only if the stream's last event has revision r.
func Exact(r uint64) Expected { return Expected{kind: expectExact, revision: r} }

// ExpectAfter is the expectation for appending after the given loaded events:
// NoStream for none, otherwise the revision of the last one.
func ExpectAfter(loaded []Record) Expected {
	if len(loaded) == 0 {
		return NoStream
	}
	return Exact(loaded[len(loaded)-1].Revision)
}

// IsAny, IsNoStream, IsStreamExists and Revision let adapters map the expectation.
func (e Expected) IsAny() bool          { return e.kind == expectAny }
func (e Expected) IsNoStream() bool     { return e.kind == expectNoStream }
func (e Expected) IsStreamExists() bool { return e.kind == expectExists }

// Revision returns the exact revision expected and whether one is.
func (e Expected) Revision() (uint64, bool) { return e.revision, e.kind == expectExact }

// Allows reports whether a stream whose current state is (exists, last revision)
// satisfies the expectation.
func (e Expected) Allows(exists bool, last uint64) bool {
	switch e.kind {
	case expectNoStream:
		return !exists
	case expectExists:
		return exists
	case expectExact:
		return exists && last == e.revision
	default:
		return true
	}
}

func (e Expected) String() string {
	switch e.kind {
	case expectNoStream:
		return "no stream"
	case expectExists:
		return "stream exists"
	case expectExact:
		return fmt.Sprintf("revision %d", e.revision)
	default:
		return "any"
	}
}

// ErrWrongExpectedRevision is matched (errors.Is) by every append conflict.
var ErrWrongExpectedRevision = errors.New("wrong expected revision")

// WrongExpectedRevisionError says which stream was not where the append expected.
type WrongExpectedRevisionError struct {
	Stream       string
	Expected     Expected
	ActualExists bool
	Actual       uint64 // meaningful only when ActualExists
}

func (e *WrongExpectedRevisionError) Error() string {
	actual := "no stream"
	if e.ActualExists {
		actual = fmt.Sprintf("revision %d", e.Actual)
	}
	return fmt.Sprintf("append to %s: expected %s, stream is at %s: %v", e.Stream, e.Expected, actual, ErrWrongExpectedRevision)
}

func (e *WrongExpectedRevisionError) Unwrap() error { return ErrWrongExpectedRevision }
