package commands

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain"
)

// Snapshots keep the folded states of long streams, so that a service which has not
// cached a stream (after a start, or an eviction) reads only what was appended since.
// A snapshot is never the source of truth: one that is missing, unreadable, of another
// decider version, or ahead of the log only means folding from the start.
type Snapshots interface {
	// Load returns the stream's snapshot; false if it has none.
	Load(ctx context.Context, stream string) (Snapshot, bool, error)
	// Save replaces the stream's snapshot, unless the stored one is at a later
	// revision of the same version.
	Save(ctx context.Context, s Snapshot) error
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
	// Every is how many events a stream grows by between snapshots; 0 means 500.
	Every int
	// OnError learns of a snapshot that could not be written or read (the command
	// went on without it); nil ignores them.
	OnError func(stream string, err error)
}

// DefaultSnapshotEvery is SnapshotConfig.Every's default.
const DefaultSnapshotEvery = 500

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
		s.snapshots = &snapshotter{SnapshotConfig: c, slot: make(chan struct{}, 1)}
	}
}

// WithStreamCache bounds the stream cache to about maxBytes (default 32 MiB).
func WithStreamCache(maxBytes int) Option {
	return func(s *Service) { s.cache = newStreamCache(maxBytes, defaultCacheStreams) }
}

// snapshotter writes snapshots in the background, one at a time, at most
// maxSnapshotJobs waiting: beyond that a snapshot is skipped (the next one will do).
type snapshotter struct {
	SnapshotConfig
	slot    chan struct{}
	waiting atomic.Int64
	running sync.WaitGroup
}

const (
	maxSnapshotJobs = 64
	snapshotTimeout = 30 * time.Second
	// snapshotFormat is the layout of snapshotFrame; a snapshot in another is ignored.
	snapshotFormat = 1
)

// snapshotFrame is Snapshot.Data: the decider's state (its JSON form) and what the
// service keeps with it.
type snapshotFrame struct {
	Format int             `json:"format"`
	Next   uint64          `json:"next"`
	LastID uuid.UUID       `json:"last_id"`
	State  json.RawMessage `json:"state"`
	Keys   keyIndex        `json:"keys"`
}

// due reports whether a stream folded to entry should be snapshotted now.
func (p *snapshotter) due(entry cachedStream) bool {
	return p != nil && entry.next-entry.snapshotAt >= uint64(p.Every)
}

// save writes entry's snapshot in the background.
func (p *snapshotter) save(stream string, version int, entry cachedStream) {
	if p.waiting.Add(1) > maxSnapshotJobs {
		p.waiting.Add(-1)
		return
	}
	p.running.Add(1)
	go func() {
		defer p.running.Done()
		p.slot <- struct{}{}
		defer func() { <-p.slot }()
		p.waiting.Add(-1)
		ctx, cancel := context.WithTimeout(context.Background(), snapshotTimeout)
		defer cancel()
		if err := p.write(ctx, stream, version, entry); err != nil {
			p.OnError(stream, fmt.Errorf("save snapshot of %s at %d: %w", stream, entry.next-1, err))
		}
	}()
}

func (p *snapshotter) write(ctx context.Context, stream string, version int, entry cachedStream) error {
	state, err := json.Marshal(entry.state)
	if err != nil {
		return err
	}
	data, err := json.Marshal(snapshotFrame{Format: snapshotFormat, Next: entry.next, LastID: entry.lastID, State: state, Keys: entry.keys})
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
	var frame snapshotFrame
	var state S
	if err := json.Unmarshal(snap.Data, &frame); err != nil || frame.Format != snapshotFormat || frame.Next != snap.Revision+1 {
		p.OnError(stream, fmt.Errorf("snapshot of %s at %d: %w (%v)", stream, snap.Revision, errSnapshotUnusable, err))
		return cachedStream{}, zero, false
	}
	if err := json.Unmarshal(frame.State, &state); err != nil {
		p.OnError(stream, fmt.Errorf("snapshot of %s at %d: state: %w", stream, snap.Revision, err))
		return cachedStream{}, zero, false
	}
	return cachedStream{next: frame.Next, lastID: frame.LastID, state: state, keys: frame.Keys, snapshotAt: frame.Next}, state, true
}
