package appendlog

// RevisionCache remembers committed stream states so that checking an expectation
// rarely needs a query. Only the writer goroutine uses it (no lock).
//
// It holds committed states only: a batch's own changes live in the writer's pending
// map and are put here after COMMIT succeeds, so a failed batch leaves it right.
type RevisionCache struct {
	limit  int
	states map[string]StreamState
}

// NewRevisionCache returns a cache of at most about limit streams.
func NewRevisionCache(limit int) *RevisionCache {
	return &RevisionCache{limit: limit, states: make(map[string]StreamState)}
}

// Limit is the number of streams the cache holds at most.
func (c *RevisionCache) Limit() int { return c.limit }

// Len is the number of streams cached.
func (c *RevisionCache) Len() int { return len(c.states) }

func (c *RevisionCache) Get(stream string) (StreamState, bool) {
	st, ok := c.states[stream]
	return st, ok
}

func (c *RevisionCache) Put(stream string, st StreamState) {
	if _, ok := c.states[stream]; !ok && len(c.states) >= c.limit {
		c.evict()
	}
	c.states[stream] = st
}

// evict drops about an eighth of the entries. Map iteration order is unspecified, which
// is good enough here: an evicted stream costs one indexed query on its next append.
func (c *RevisionCache) evict() {
	n := max(1, len(c.states)/8)
	for stream := range c.states {
		if n == 0 {
			return
		}
		delete(c.states, stream)
		n--
	}
}

// Merge puts the states of a committed batch.
func (c *RevisionCache) Merge(pending map[string]StreamState) {
	for stream, st := range pending {
		c.Put(stream, st)
	}
}

// Reset forgets everything; states are read again from the database as needed.
func (c *RevisionCache) Reset() { clear(c.states) }

// Forget drops one stream's state; it is read again from the database when needed.
func (c *RevisionCache) Forget(stream string) { delete(c.states, stream) }
