package postgres

import "github.com/google/uuid"

// tailIDs is how many of a stream's last event ids its state keeps: enough to run the
// idempotency check of the usual one-to-four-event append from memory (see idempotency.go).
const tailIDs = 4

// streamState is where a stream is: missing, or at its last revision and position, with
// the ids of its last few events.
type streamState struct {
	exists  bool
	last    uint64             // revision of the last event
	lastPos uint64             // position of the last event
	tail    [tailIDs]uuid.UUID // ids of the last tailLen events, oldest first
	tailLen int
}

// tailKnown reports whether the ids of the stream's last n events are all in memory
// (a stream shorter than n has fewer; those are enough).
func (st *streamState) tailKnown(n int) bool {
	return st.tailLen >= n || uint64(st.tailLen) == st.last+1
}

// pushed is the state after ids were appended, the last at revision last and position pos.
func (st streamState) pushed(ids []uuid.UUID, last, pos uint64) streamState {
	next := streamState{exists: true, last: last, lastPos: pos}
	if len(ids) < tailIDs {
		keep := min(st.tailLen, tailIDs-len(ids))
		next.tailLen = copy(next.tail[:], st.tail[st.tailLen-keep:st.tailLen])
	}
	next.tailLen += copy(next.tail[next.tailLen:], ids[max(0, len(ids)-tailIDs):])
	return next
}

// revisionCache remembers committed stream states so that checking an expectation
// rarely needs a query. Only the writer goroutine uses it (no lock).
//
// It holds committed states only: a batch's own changes live in the writer's pending
// map and are put here after COMMIT succeeds (writer.committed), so a failed batch
// leaves it right.
type revisionCache struct {
	limit  int
	states map[string]streamState
}

func newRevisionCache(limit int) *revisionCache {
	return &revisionCache{limit: limit, states: make(map[string]streamState)}
}

func (c *revisionCache) get(stream string) (streamState, bool) {
	st, ok := c.states[stream]
	return st, ok
}

func (c *revisionCache) put(stream string, st streamState) {
	if _, ok := c.states[stream]; !ok && len(c.states) >= c.limit {
		c.evict()
	}
	c.states[stream] = st
}

// evict drops about an eighth of the entries. Map iteration order is unspecified, which
// is good enough here: an evicted stream costs one indexed query on its next append.
func (c *revisionCache) evict() {
	n := max(1, len(c.states)/8)
	for stream := range c.states {
		if n == 0 {
			return
		}
		delete(c.states, stream)
		n--
	}
}

// reset forgets everything; states are read again from the database as needed.
func (c *revisionCache) reset() { clear(c.states) }

// forget drops one stream's state; it is read again from the database when needed.
func (c *revisionCache) forget(stream string) { delete(c.states, stream) }
