package eventsqlite

import (
	"context"
	"database/sql"
	"hash/maphash"
	"sync"

	"github.com/chance-video/chance/infra/eventstore/internal/appendlog"
)

// knownStreams tells, without a read, that the file holds no event of a stream: a
// Bloom filter of every stream name in the file, so "absent" is certain and "maybe
// present" sends the caller to the file as before. Most streams a command opens that
// the caches do not hold are brand-new (a rental being created: planned, then created),
// and each used to cost the command a read and the writer one more, for nothing.
//
// It is built from the file in the background after Open (until then it knows
// nothing) and the writer adds each stream it commits, so the union covers every
// stream whatever the order of the two. Like streamHeads it holds only while this
// process is the file's only writer: once the writer finds another process's events,
// it knows nothing until the store is reopened.
type knownStreams struct {
	seed  maphash.Seed
	built chan struct{} // closed when the build from the file ended (or failed)

	mu     sync.RWMutex
	ready  bool // every stream of the file is in
	broken bool // another process wrote the file (or the build failed)
	layers []bloomLayer
}

// A layer holds up to capacity names at about 1% false positives (10 bits and 7
// probes a name); a full layer is followed by one twice its size, so the filter grows
// with the file (≈ 1.2 bytes a stream) and its false positives stay a few percent.
const (
	firstLayerNames = 1 << 16
	bitsPerName     = 10
	probes          = 7
)

type bloomLayer struct {
	bits     []uint64
	names    int
	capacity int
}

func newBloomLayer(capacity int) bloomLayer {
	return bloomLayer{bits: make([]uint64, capacity*bitsPerName/64), capacity: capacity}
}

func (l *bloomLayer) positions(h uint64, each func(bit uint64) bool) bool {
	h1, h2 := h&0xffffffff, h>>32|1 // odd step: probes never collapse onto one bit
	m := uint64(len(l.bits)) * 64
	for i := range uint64(probes) {
		if !each((h1 + i*h2) % m) {
			return false
		}
	}
	return true
}

func (l *bloomLayer) has(h uint64) bool {
	return l.positions(h, func(b uint64) bool { return l.bits[b/64]&(1<<(b%64)) != 0 })
}

func (l *bloomLayer) add(h uint64) {
	l.positions(h, func(b uint64) bool { l.bits[b/64] |= 1 << (b % 64); return true })
	l.names++
}

func newKnownStreams() *knownStreams {
	return &knownStreams{seed: maphash.MakeSeed(), built: make(chan struct{}), layers: []bloomLayer{newBloomLayer(firstLayerNames)}}
}

// absent is true when the file certainly holds no event of stream.
func (k *knownStreams) absent(stream string) bool {
	h := maphash.String(k.seed, stream)
	k.mu.RLock()
	defer k.mu.RUnlock()
	if !k.ready || k.broken {
		return false
	}
	return !k.mayHave(h)
}

func (k *knownStreams) mayHave(h uint64) bool {
	for i := range k.layers {
		if k.layers[i].has(h) {
			return true
		}
	}
	return false
}

// add records streams that now have events in the file.
func (k *knownStreams) add(streams ...string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.broken {
		return
	}
	for _, s := range streams {
		h := maphash.String(k.seed, s)
		if k.mayHave(h) {
			continue // counted once, so layers fill with distinct names only
		}
		last := &k.layers[len(k.layers)-1]
		if last.names >= last.capacity {
			k.layers = append(k.layers, newBloomLayer(last.capacity*2))
			last = &k.layers[len(k.layers)-1]
		}
		last.add(h)
	}
}

// invalidate: another process wrote the file; nothing is known from now on.
func (k *knownStreams) invalidate() {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.broken = true
	k.layers = nil // free it: absent answers false from now on
}

// build adds every stream of the file, then lets absent answer. It reads in pages,
// so that no read transaction stays open for the whole file.
func (k *knownStreams) build(ctx context.Context, db *sql.DB) {
	defer close(k.built)
	err := k.scan(ctx, db)
	k.mu.Lock()
	defer k.mu.Unlock()
	if err != nil {
		k.broken = true
		k.layers = nil
		return
	}
	k.ready = true
}

// buildPage bounds the names read in one statement.
const buildPage = 10_000

func (k *knownStreams) scan(ctx context.Context, db *sql.DB) error {
	after := ""
	names := make([]string, 0, buildPage)
	for {
		// A stream's first event is revision 0: one row per stream, in index order.
		rows, err := db.QueryContext(ctx, `SELECT stream_id FROM events WHERE stream_id > ? AND revision = 0 ORDER BY stream_id LIMIT ?`, after, buildPage)
		if err != nil {
			return err
		}
		names = names[:0]
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				rows.Close()
				return err
			}
			names = append(names, s)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		k.mu.RLock()
		broken := k.broken
		k.mu.RUnlock()
		if broken {
			return nil // build ends knowing nothing anyway
		}
		k.add(names...)
		if len(names) < buildPage {
			return nil
		}
		after = names[len(names)-1]
	}
}

// committed adds the streams a committed transaction wrote.
func (k *knownStreams) committed(changed map[string]appendlog.StreamState) {
	names := make([]string, 0, len(changed))
	for stream, st := range changed {
		if st.Exists {
			names = append(names, stream)
		}
	}
	k.add(names...)
}

// StreamsIndexed waits until the store has read the names of the file's streams, from
// when on CommittedNext knows a new stream holds nothing (tests and benchmarks wait
// for it; the server does not need to: until then streams are read as before).
func (s *Store) StreamsIndexed(ctx context.Context) error {
	select {
	case <-s.w.known.built:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
