package commands

import (
	"sync"

	"github.com/chance-video/chance/domain"
	"github.com/chance-video/chance/eventlog"
)

// streamCache keeps the decoded events of recently used streams, so loading a stream
// reads and decodes only what was appended since. Streams only grow, so a cached
// prefix is never wrong, only short; every load still asks the store for the rest,
// which keeps it correct when other processes append too.
type streamCache struct {
	mu      sync.Mutex
	max     int
	streams map[string]cachedStream
}

// cachedStream is an immutable prefix of a stream: records (without their payloads,
// which events holds decoded) and events, index = revision.
type cachedStream struct {
	records []eventlog.Record
	events  []domain.Event
}

func newStreamCache(max int) *streamCache {
	return &streamCache{max: max, streams: make(map[string]cachedStream)}
}

func (c *streamCache) get(stream string) cachedStream {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.streams[stream]
}

// extend returns the cached prefix followed by the new records and events, and
// caches the result. The returned slices are never written to again, so callers may
// share them.
func (c *streamCache) extend(stream string, prefix cachedStream, records []eventlog.Record, events []domain.Event) cachedStream {
	if len(records) == 0 {
		return prefix
	}
	trimmed := make([]eventlog.Record, len(records))
	for i, r := range records {
		r.Data = nil // the decoded event is kept instead
		trimmed[i] = r
	}
	// The full slice expressions force a copy: another goroutine may hold the prefix.
	next := cachedStream{
		records: append(prefix.records[:len(prefix.records):len(prefix.records)], trimmed...),
		events:  append(prefix.events[:len(prefix.events):len(prefix.events)], events...),
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if current, ok := c.streams[stream]; !ok || len(current.records) < len(next.records) {
		if !ok && len(c.streams) >= c.max {
			for victim := range c.streams { // map order is random: a random eviction
				delete(c.streams, victim)
				break
			}
		}
		c.streams[stream] = next
	}
	return next
}

// forget drops a stream whose store no longer matches the cached prefix.
func (c *streamCache) forget(stream string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.streams, stream)
}
