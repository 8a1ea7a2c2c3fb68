package commands

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"sync"
	"time"

	"github.com/chance-video/chance/domain"
	"github.com/chance-video/chance/domain/idmap"
)

// Snapshots keep the folded states of long streams, so that a service which has not
// cached a stream (after a start, or an eviction) reads only what was appended since.
// A snapshot is never the source of truth: one that is missing, unreadable, of another
// decider version, or ahead of the log only means folding from the start.
type Snapshots interface {
	// Load returns the stream's snapshot; false if it has none. Its Data is the
	// caller's: a restored state keeps it and reads it in place.
	Load(ctx context.Context, stream string) (Snapshot, bool, error)
	// Save replaces the stream's snapshot, unless the stored one is at a later
	// revision of the same version.
	Save(ctx context.Context, s Snapshot) error
	// Discard deletes the stream's snapshot if it is at revision: one found unusable,
	// which a later save of an earlier revision (a log restored from a backup) could
	// otherwise never replace.
	Discard(ctx context.Context, stream string, revision uint64) error
}

// Snapshot is a stream's state folded up to and including Revision, as Data, written
// by the decider of Version (domain.Decider.Version).
type Snapshot struct {
	Stream   string
	Revision uint64
	Version  int
	Data     []byte
}

// SnapshotConfig turns on snapshots (WithSnapshots).
type SnapshotConfig struct {
	Store Snapshots
	// Every is how many events a stream grows by between snapshots; 0 means 100.
	// A stream loaded from the stores (not cached) that had to fold at least
	// coldSnapshotAfter events gets one at once too, so that the next such load of it
	// folds few.
	Every int
	// OnError learns of a snapshot that could not be written or read (the command
	// went on without it); nil ignores them.
	OnError func(stream string, err error)
}

// DefaultSnapshotEvery is SnapshotConfig.Every's default.
const DefaultSnapshotEvery = 100

// coldSnapshotAfter is how many events a load from the stores folds (beyond the
// snapshot it started from) before it leaves a snapshot of its own.
const coldSnapshotAfter = 16

// WithSnapshots keeps snapshots of long streams in c.Store, written in the background
// every c.Every events, never on a command's path.
func WithSnapshots(c SnapshotConfig) Option {
	return func(s *Service) {
		if c.Every <= 0 {
			c.Every = DefaultSnapshotEvery
		}
		if c.OnError == nil {
			c.OnError = func(string, error) {}
		}
		s.snapshots = &snapshotter{SnapshotConfig: c, slot: make(chan struct{}, 1), pending: map[string]struct{}{}}
	}
}

// WithStreamCache bounds the stream cache to about maxBytes (default 32 MiB).
func WithStreamCache(maxBytes int) Option {
	return func(s *Service) { s.cache = newStreamCache(maxBytes, defaultCacheStreams) }
}

// snapshotter writes snapshots in the background, one at a time, at most
// maxSnapshotJobs waiting and one per stream: beyond that a snapshot is skipped (the
// next one will do; a stream reloaded from the stores again and again while its
// snapshot is being written would otherwise queue one per load).
type snapshotter struct {
	SnapshotConfig
	slot    chan struct{}
	mu      sync.Mutex
	pending map[string]struct{} // streams whose snapshot is waiting or being written
	running sync.WaitGroup
}

const (
	maxSnapshotJobs = 64
	snapshotTimeout = 30 * time.Second
	// snapshotFormat is the layout of Snapshot.Data; a snapshot in another is ignored.
	snapshotFormat = 5
)

// Snapshot.Data is binary, so that a cold load of a long stream costs a read of a
// few hundred kilobytes and little else (format 1 was JSON: decoding the snapshot of a
// 10,000-event account took longer than folding a hundred events):
//
//	format     1 byte (snapshotFormat)
//	next       uvarint: how many events the state folds
//	last       32 bytes: the digest of the record at next-1 (recordDigest)
//	keys       the key index (idmap's binary form; a span is its first and last
//	           revision, each in the fewest bytes that hold next, big-endian)
//	state      the decider's state (domain.AppendState: its shape, then its form)
//	crc        4 bytes: CRC-32C (Castagnoli) of all the above, big-endian, so that a
//	           damaged snapshot is refused rather than read as another state
//
// Both the key index and an account's state are read in place: a restore decodes
// nothing up front, whatever the stream's length.
func appendFrame(b []byte, entry cachedStream, appendState func([]byte) ([]byte, error)) ([]byte, error) {
	start := len(b)
	b = append(b, snapshotFormat)
	b = binary.AppendUvarint(b, entry.next)
	b = append(b, entry.last[:]...)
	w := revisionBytes(entry.next)
	b = entry.keys.AppendBinary(b, 2*w, func(dst []byte, span keySpan) {
		putRevision(dst[:w], span[0])
		putRevision(dst[w:], span[1])
	})
	b, err := appendState(b)
	if err != nil {
		return nil, err
	}
	return binary.BigEndian.AppendUint32(b, crc32.Checksum(b[start:], castagnoli)), nil
}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// revisionBytes is how many bytes hold every revision below next.
func revisionBytes(next uint64) int {
	w := 1
	for next > 1<<(8*w) && w < 8 {
		w++
	}
	return w
}

func putRevision(dst []byte, r uint64) {
	for i := len(dst) - 1; i >= 0; i-- {
		dst[i], r = byte(r), r>>8
	}
}

func getRevision(b []byte) uint64 {
	var r uint64
	for _, c := range b {
		r = r<<8 | uint64(c)
	}
	return r
}

// readFrame reads a frame; state is the rest of data, for the decider to read.
func readFrame(data []byte) (entry cachedStream, state []byte, err error) {
	if len(data) == 0 || data[0] != snapshotFormat {
		return cachedStream{}, nil, errors.New("not of this format")
	}
	if len(data) < 5 {
		return cachedStream{}, nil, errors.New("cut short")
	}
	body, trailer := data[:len(data)-4], data[len(data)-4:]
	if crc32.Checksum(body, castagnoli) != binary.BigEndian.Uint32(trailer) {
		return cachedStream{}, nil, errors.New("checksum mismatch: damaged or cut short")
	}
	data = body
	next, n := binary.Uvarint(data[1:])
	const d = len(recordDigest{})
	if n <= 0 || len(data) < 1+n+d {
		return cachedStream{}, nil, errors.New("cut short")
	}
	entry = cachedStream{next: next, last: recordDigest(data[1+n : 1+n+d]), snapshotAt: next}
	checkSpan := func(b []byte) error {
		if len(b)%2 != 0 || len(b) > 16 {
			return errors.New("bad span width")
		}
		if span := readSpan(b); span[0] > span[1] || span[1] >= next {
			return fmt.Errorf("span %d..%d of %d events", span[0], span[1], next)
		}
		return nil
	}
	entry.keys, state, err = idmap.ReadBinary[keyHash](data[1+n+d:], readSpan, checkSpan)
	return entry, state, err
}

func readSpan(b []byte) keySpan {
	w := len(b) / 2
	return keySpan{getRevision(b[:w]), getRevision(b[w:])}
}

// due reports whether a stream folded to entry should be snapshotted now; cold says
// the load started from the stores, not from the cache.
func (p *snapshotter) due(entry cachedStream, cold bool) bool {
	if p == nil {
		return false
	}
	grown := entry.next - entry.snapshotAt
	return grown >= uint64(p.Every) || cold && grown >= coldSnapshotAfter
}

// save writes entry's snapshot in the background; appendState appends entry.state's form.
// It reports whether it took the job: not when one of the stream's is under way, or too
// many are waiting (the stream is then due again on its next load).
func (p *snapshotter) save(stream string, version int, entry cachedStream, appendState func([]byte) ([]byte, error)) (queued bool) {
	p.mu.Lock()
	_, busy := p.pending[stream]
	if busy || len(p.pending) >= maxSnapshotJobs {
		p.mu.Unlock()
		return false
	}
	p.pending[stream] = struct{}{}
	p.mu.Unlock()
	p.running.Add(1)
	go func() {
		defer p.running.Done()
		defer func() {
			p.mu.Lock()
			delete(p.pending, stream)
			p.mu.Unlock()
		}()
		p.slot <- struct{}{}
		defer func() { <-p.slot }()
		ctx, cancel := context.WithTimeout(context.Background(), snapshotTimeout)
		defer cancel()
		if err := p.write(ctx, stream, version, entry, appendState); err != nil {
			p.OnError(stream, fmt.Errorf("save snapshot of %s at %d: %w", stream, entry.next-1, err))
		}
	}()
	return true
}

func (p *snapshotter) write(ctx context.Context, stream string, version int, entry cachedStream, appendState func([]byte) ([]byte, error)) error {
	data, err := appendFrame(make([]byte, 0, entry.size()), entry, appendState)
	if err != nil {
		return err
	}
	return p.Store.Save(ctx, Snapshot{Stream: stream, Revision: entry.next - 1, Version: version, Data: data})
}

// WaitSnapshots waits for the snapshots being written (before the store is closed).
func (s *Service) WaitSnapshots() {
	if s.snapshots != nil {
		s.snapshots.running.Wait()
	}
}

var errSnapshotUnusable = errors.New("snapshot unusable")

// restore is a stream's snapshot, if it has one this decider can use; ok is false
// otherwise (errors go to OnError: the log is read from the start instead).
func restore[S, C any](ctx context.Context, s *Service, d domain.Decider[S, C], stream string) (cachedStream, S, bool) {
	var zero S
	p := s.snapshots
	if p == nil || d.Version == 0 {
		return cachedStream{}, zero, false
	}
	snap, found, err := p.Store.Load(ctx, stream)
	if err != nil {
		p.OnError(stream, fmt.Errorf("load snapshot of %s: %w", stream, err))
		return cachedStream{}, zero, false
	}
	if !found || snap.Version != d.Version {
		return cachedStream{}, zero, false // none, or of another decider: replaced by the next one
	}
	entry, data, err := readFrame(snap.Data)
	if err == nil && entry.next != snap.Revision+1 {
		err = fmt.Errorf("folds %d events, not %d", entry.next, snap.Revision+1)
	}
	if err != nil {
		p.discard(ctx, stream, snap.Revision, err)
		return cachedStream{}, zero, false
	}
	state, err := domain.ReadState[S](data)
	if err != nil {
		p.discard(ctx, stream, snap.Revision, fmt.Errorf("state: %w", err))
		return cachedStream{}, zero, false
	}
	entry.state = state
	return entry, state, true
}

// discard reports a stream's unusable snapshot and deletes it, so that the next one
// replaces it whatever its revision.
func (p *snapshotter) discard(ctx context.Context, stream string, revision uint64, why error) {
	p.OnError(stream, fmt.Errorf("snapshot of %s at %d: %w (%v)", stream, revision, errSnapshotUnusable, why))
	if err := p.Store.Discard(ctx, stream, revision); err != nil {
		p.OnError(stream, err)
	}
}
