package sqlite

// streamState is where a stream is: missing, or at its last revision.
type streamState struct {
	exists bool
	last   uint64
}

// revisionCache remembers committed stream states so that checking an expectation
// rarely needs a query. Only the writer goroutine uses it (no lock).
//
// It holds committed states only: a batch's own changes live in the writer's pending
// map and are merged after COMMIT succeeds, so a failed transaction leaves it right.
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

func (c *revisionCache) merge(pending map[string]streamState) {
	for stream, st := range pending {
		c.put(stream, st)
	}
}

// reset forgets everything; states are read again from the file as needed.
func (c *revisionCache) reset() { clear(c.states) }
