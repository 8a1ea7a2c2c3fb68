package esdbfake

import (
	"sync"
	"time"

	"github.com/google/uuid"
)

// recordSize is the room one record takes in the fake's log: positions are byte offsets
// in a real server's transaction file, so they are sparse and grow with every record.
const recordSize = 100

// event is one stored event. It is never changed after it is appended, so readers may
// keep pointers to it after releasing the log's lock.
type event struct {
	id          uuid.UUID
	stream      string
	revision    uint64
	eventType   string
	contentType string
	created     time.Time
	data        []byte
	metadata    []byte // the client's "custom metadata"
	commit      uint64
	prepare     uint64
}

// after reports whether e comes after the position (commit, prepare) in the log.
func (e *event) after(commit, prepare uint64) bool {
	if e.commit != commit {
		return e.commit > commit
	}
	return e.prepare > prepare
}

// proposed is an event as an append proposes it.
type proposed struct {
	id          uuid.UUID
	eventType   string
	contentType string
	data        []byte
	metadata    []byte
}

// memlog is the whole store: the log in commit order, each stream's events in revision
// order, and a channel closed (and replaced) on every append to wake subscriptions.
type memlog struct {
	mu      sync.Mutex
	all     []*event
	streams map[string][]*event
	next    uint64 // log offset of the next record
	appends int    // user appends so far, to vary the system events written after them
	changed chan struct{}
}

func newLog() *memlog {
	return &memlog{streams: map[string][]*event{}, next: recordSize, changed: make(chan struct{})}
}

// writeLocked appends events to stream as one transaction: each event's prepare record,
// then one commit record whose position all of them share. Callers hold l.mu.
func (l *memlog) writeLocked(stream string, events []proposed) []*event {
	now := time.Now()
	first := uint64(len(l.streams[stream]))
	commit := l.next + uint64(len(events))*recordSize
	written := make([]*event, len(events))
	for i, p := range events {
		written[i] = &event{
			id: p.id, stream: stream, revision: first + uint64(i),
			eventType: p.eventType, contentType: p.contentType, created: now,
			data: p.data, metadata: p.metadata,
			commit: commit, prepare: l.next + uint64(i)*recordSize,
		}
	}
	l.next = commit + recordSize
	l.all = append(l.all, written...)
	l.streams[stream] = append(l.streams[stream], written...)
	close(l.changed)
	l.changed = make(chan struct{})
	return written
}

// snapshot returns the log from index i on and the channel that closes on the next append.
func (l *memlog) snapshot(i int) ([]*event, <-chan struct{}) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if i > len(l.all) {
		i = len(l.all)
	}
	return l.all[i:len(l.all):len(l.all)], l.changed
}

// stream returns a stream's events and whether it exists.
func (l *memlog) stream(name string) ([]*event, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	events, ok := l.streams[name]
	return events[:len(events):len(events)], ok
}

// everything returns the whole log.
func (l *memlog) everything() []*event {
	events, _ := l.snapshot(0)
	return events
}

// systemEvent is what the fake writes between user events, as a server writes its own
// statistics and settings: a "$"-type event in a "$"-stream.
func systemEvent(eventType string) proposed {
	return proposed{id: uuid.New(), eventType: eventType, contentType: "application/json", data: []byte(`{}`)}
}
