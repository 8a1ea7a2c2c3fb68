package commands

import (
	"sync"

	"github.com/chance-video/chance/domain/idmap"
)

// streamCache keeps the folded state of recently used streams, so a command reads,
// decodes and folds only what was appended since, whatever the stream's length.
// Streams only grow, so a cached state is never wrong, only behind; every load still
// asks the store for the rest, which keeps it correct when other processes append too.
//
// It is bounded by an estimate of the bytes it holds (and by a count of streams); an
// evicted stream comes back from its snapshot, or from the log.
type streamCache struct {
	mu         sync.Mutex
	maxBytes   int
	maxStreams int
	bytes      int
	streams    map[string]cachedStream
}

// cachedStream is a stream folded up to a revision: the decider's state, and the index
// of the idempotency keys its records hold. It is immutable: states are persistent
// values that Evolve never changes in place (see domain.Decider), so one may be shared
// by every goroutine that reads the stream, and evolved by a command that then fails.
type cachedStream struct {
	next  uint64       // the revision after the last one folded: how many events state holds
	last  recordDigest // of the record at next-1, which a snapshot checks the log still holds
	state any          // the decider's S, folded from revisions 0..next-1
	keys  keyIndex
	// snapshotAt is the next of the last snapshot written or read (0: none).
	snapshotAt uint64
}

// Estimated bytes of a cached stream: a fixed part, and per folded event what the
// largest states keep (an account: a payment id, 17 bytes, and the key index's entry,
// 32 bytes, with room for the persistent maps' spare runs; one restored from a
// snapshot also keeps the snapshot, about 36 bytes an event, until its maps merge).
const (
	cachedStreamBytes = 512
	cachedEventBytes  = 96
)

func (c cachedStream) size() int { return cachedStreamBytes + cachedEventBytes*int(c.next) }

// Default bounds of the stream cache (WithStreamCache changes the bytes).
const (
	defaultCacheBytes   = 32 << 20
	defaultCacheStreams = 100_000
)

func newStreamCache(maxBytes, maxStreams int) *streamCache {
	return &streamCache{maxBytes: maxBytes, maxStreams: maxStreams, streams: make(map[string]cachedStream)}
}

func (c *streamCache) get(stream string) (cachedStream, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	s, ok := c.streams[stream]
	return s, ok
}

// put caches a folded stream unless a longer one is cached already, then evicts at
// random until the cache is within its bounds again. A stream larger than the whole
// budget is not kept.
func (c *streamCache) put(stream string, s cachedStream) {
	if s.size() > c.maxBytes {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	current, ok := c.streams[stream]
	if ok && current.next >= s.next {
		return
	}
	if ok {
		c.bytes -= current.size()
	}
	c.streams[stream] = s
	c.bytes += s.size()
	for victim, v := range c.streams { // map order is random: a random eviction
		if c.bytes <= c.maxBytes && len(c.streams) <= c.maxStreams {
			break
		}
		if victim != stream {
			delete(c.streams, victim)
			c.bytes -= v.size()
		}
	}
}

// forget drops a stream whose store no longer matches the cached state.
func (c *streamCache) forget(stream string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if s, ok := c.streams[stream]; ok {
		delete(c.streams, stream)
		c.bytes -= s.size()
	}
}

// keyIndex finds the revisions of a stream that hold an idempotency key: a hash of the
// key → the first and last revision whose records carry it. A hash only narrows where
// to look: the records there are read and their keys compared (see priorOutcome).
type keyIndex = idmap.Map[keyHash, keySpan]

type keyHash [16]byte

// keySpan is the first and last revision of a key's records (one append's, as a rule).
type keySpan [2]uint64
