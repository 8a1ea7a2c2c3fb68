package eventlog

import "fmt"

// Position is a place in the global log. EventStoreDB needs both halves (commit and
// prepare); stores with a single sequence set both to the same number.
//
// The zero Position means "before the first event": no adapter assigns it to an event.
type Position struct {
	Commit  uint64 `json:"commit"`
	Prepare uint64 `json:"prepare"`
}

// Start is the position before the first event of the log.
var Start = Position{}

// Less orders positions by commit, then prepare.
func (p Position) Less(q Position) bool {
	if p.Commit != q.Commit {
		return p.Commit < q.Commit
	}
	return p.Prepare < q.Prepare
}

// IsStart reports whether p is the position before the first event.
func (p Position) IsStart() bool { return p == Start }

func (p Position) String() string {
	if p.Commit == p.Prepare {
		return fmt.Sprintf("%d", p.Commit)
	}
	return fmt.Sprintf("%d/%d", p.Commit, p.Prepare)
}
