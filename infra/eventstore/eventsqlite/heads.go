package eventsqlite

import (
	"sync"

	"github.com/chance-video/chance/infra/eventstore/internal/appendlog"
)

// streamHeads is how many events each stream this process appended to holds, as
// committed: the writer records them after each COMMIT, before it answers the appends
// or wakes the subscriptions. A command whose cached state already folds that many
// events then needs no read of the file to know nothing was appended since (that read
// was the largest single cost of a rent over HTTP). Like the writer's revision cache,
// it holds only while this process is the file's only writer (see the package doc);
// events another process appends are found by the writer's next transaction, which
// clears it.
//
// Bounded: past maxStreamHeads a random stream is forgotten, and a forgotten or never
// appended stream is simply not known (the caller reads the file as before).
type streamHeads struct {
	mu   sync.Mutex
	next map[string]uint64
}

const maxStreamHeads = 65_536

func newStreamHeads() *streamHeads { return &streamHeads{next: map[string]uint64{}} }

// committed records the streams a transaction changed, once it is committed.
func (h *streamHeads) committed(changed map[string]appendlog.StreamState) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for stream, st := range changed {
		if !st.Exists {
			continue
		}
		if _, known := h.next[stream]; !known && len(h.next) >= maxStreamHeads {
			for victim := range h.next { // map order is random: a random eviction
				delete(h.next, victim)
				break
			}
		}
		h.next[stream] = st.Last + 1
	}
}

// reset forgets every stream: the file changed under the writer.
func (h *streamHeads) reset() {
	h.mu.Lock()
	defer h.mu.Unlock()
	clear(h.next)
}

func (h *streamHeads) get(stream string) (uint64, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	n, ok := h.next[stream]
	return n, ok
}
