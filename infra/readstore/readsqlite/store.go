// Package readsqlite is the embedded read store: every projection's rows in SQLite files
// under one folder, through the pure-Go modernc.org/sqlite driver.
//
// Layout of the folder:
//
//	manifest.json           which generation of each projection serves (written atomically)
//	catalogue_v3.g1.db      one file per projection generation: its rows and its checkpoint
//	accounts_v2.g1.db …
//	inbox.db                the in-app notifications (not a projection: no generations)
//	deadletters.db          messages a handler gave up on (not a projection either)
//	sent.db, followers.db   sent records; the forwarder's and flow recovery's checkpoints
//
// Each file has one write connection (writes to it are serialized) and a small read pool;
// WAL mode lets reads run beside the writer. A rebuild writes a new generation file beside
// the serving one and swaps it in with Promote (see shadow.go).
//
// WARNING: one process per folder. Generations are swapped in memory; another process
// would keep reading (and writing) a generation this one deleted.
package readsqlite

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/chance-video/chance/eventlog"
	"github.com/chance-video/chance/infra/bus"
	"github.com/chance-video/chance/infra/readstore/generations"
	"github.com/chance-video/chance/infra/readstore/inflight"
	"github.com/chance-video/chance/infra/senders"
	"github.com/chance-video/chance/projections"
	"github.com/chance-video/chance/queries"
)

var (
	// ErrClosed is returned by every call on a closed Store.
	ErrClosed = generations.ErrClosed
)

const inboxFile = "inbox.db"

// Store implements the read side's ports over the files in one folder.
type Store struct {
	dir         string
	projections map[string]*projection
	inbox       *slot // one generation forever; its own durability
	deadLetters *slot // likewise
	sent        *slot // likewise
	followers   *slot // likewise

	caches cachePlan // every connection's page cache, from Options.CacheKiB

	merges sync.WaitGroup // background merges of text indexes (mergeLive)

	manifestMu sync.Mutex // serializes promotes' manifest rewrites
	manifest   manifest   // guarded by manifestMu

	closeOnce sync.Once
	closeErr  error
}

var (
	_ projections.Rebuildable = (*Store)(nil)
	_ queries.ReadStore       = (*Store)(nil)
	_ queries.Inbox           = (*Store)(nil)
	_ bus.DeadLetterStore     = (*Store)(nil)
	_ senders.SentRecords     = (*Store)(nil)
)

// Open opens (creating if needed) the read store in dir with default Options.
func Open(dir string) (*Store, error) { return OpenWith(dir, Options{}) }

// OpenWith opens (creating if needed) the read store in dir: the generations the
// manifest names, after deleting any other generation file left by a crash.
func OpenWith(dir string, opts Options) (s *Store, err error) {
	ctx := context.Background()
	wrap := func(err error) error { return fmt.Errorf("open read store %s: %w", dir, err) }
	if err := opts.Validate(); err != nil {
		return nil, wrap(err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, wrap(err)
	}
	m, err := readManifest(dir)
	if err != nil {
		return nil, wrap(err)
	}
	changed := false
	for _, name := range projectionNames() {
		if m.Generations[name] == 0 {
			m.Generations[name] = 1
			changed = true
		}
	}
	highest, err := removeStrays(dir, m.Generations)
	if err != nil {
		return nil, wrap(fmt.Errorf("remove generations the manifest does not name: %w", err))
	}
	if changed {
		// Before any file opens: a crash now leaves a manifest naming generations that
		// are simply created empty next time.
		if err := writeManifest(dir, m); err != nil {
			return nil, wrap(err)
		}
	}

	s = &Store{dir: dir, projections: map[string]*projection{}, manifest: m, caches: planCaches(opts.CacheKiB, projectionNames())}
	// WARNING: close through opened, not s: each failure below returns a nil s.
	opened := s
	defer func() {
		if err != nil {
			opened.Close() //nolint:errcheck // the open error is the one to report
		}
	}()
	for _, name := range projectionNames() {
		n := m.Generations[name]
		g, err := openGeneration(ctx, dir, name, n, s.caches.projection(name))
		if err != nil {
			return nil, wrap(err)
		}
		s.projections[name] = &projection{Projection: generations.New(name, g), next: max(n, highest[name]) + 1}
	}
	inbox, err := openFile(ctx, filepath.Join(dir, inboxFile), inboxSchema, []string{insertNotification}, false, durable, s.caches.other)
	if err != nil {
		return nil, wrap(fmt.Errorf("open %s: %w", inboxFile, err))
	}
	s.inbox = generations.New("inbox", &generation{file: inbox, refs: inflight.New()})
	dead, err := openFile(ctx, filepath.Join(dir, deadLettersFile), deadLettersSchema, []string{recordDeadLetter, markDeadLetterRequeued}, false, durable, s.caches.other)
	if err != nil {
		return nil, wrap(fmt.Errorf("open %s: %w", deadLettersFile, err))
	}
	s.deadLetters = generations.New("dead letters", &generation{file: dead, refs: inflight.New()})
	sent, err := openFile(ctx, filepath.Join(dir, sentFile), sentSchema, []string{markSent, pruneSent}, false, durable, s.caches.other)
	if err != nil {
		return nil, wrap(fmt.Errorf("open %s: %w", sentFile, err))
	}
	s.sent = generations.New("sent records", &generation{file: sent, refs: inflight.New()})
	followers, err := openFile(ctx, filepath.Join(dir, followersFile), followersSchema, []string{saveFollower}, false, durable, s.caches.other)
	if err != nil {
		return nil, wrap(fmt.Errorf("open %s: %w", followersFile, err))
	}
	s.followers = generations.New("follower checkpoints", &generation{file: followers, refs: inflight.New()})
	return s, nil
}

// Close waits for the calls in flight, closes every file (discarding builds that were
// not promoted) and makes later calls fail with ErrClosed. Calling it again returns the
// first result.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		var errs []error
		for _, name := range projectionNames() {
			if p := s.projections[name]; p != nil {
				errs = append(errs, closeSlot(p.Projection))
			}
		}
		for _, p := range []*slot{s.inbox, s.deadLetters, s.sent, s.followers} {
			if p != nil {
				errs = append(errs, closeSlot(p))
			}
		}
		s.merges.Wait() // each stops at its next step: its generation no longer serves
		if err := errors.Join(errs...); err != nil {
			s.closeErr = fmt.Errorf("close read store %s: %w", s.dir, err)
		}
	})
	return s.closeErr
}

// closeSlot stops serving p (discarding its build in progress) and closes the file that
// served.
func closeSlot(p *slot) error {
	old, err := p.Close()
	if old != nil {
		err = errors.Join(err, old.close())
	}
	return err
}

func (s *Store) projection(name string) (*projection, error) {
	p, ok := s.projections[name]
	if !ok {
		return nil, fmt.Errorf("%w %q", projections.ErrUnknownProjection, name)
	}
	return p, nil
}

// Checkpoint is the position the serving generation of projection has applied up to.
func (s *Store) Checkpoint(ctx context.Context, name string) (eventlog.Position, error) {
	p, err := s.projection(name)
	if err != nil {
		return eventlog.Start, err
	}
	g, release, err := p.Acquire()
	if err != nil {
		return eventlog.Start, err
	}
	defer release()
	return readCheckpoint(ctx, g.file, name)
}

// Update applies fn and records reached, in one transaction on the serving generation.
func (s *Store) Update(ctx context.Context, name string, reached eventlog.Position, fn func(projections.Writes) error) error {
	p, err := s.projection(name)
	if err != nil {
		return err
	}
	g, release, err := p.Acquire()
	if err != nil {
		return err
	}
	defer release()
	if err := update(ctx, g.file, name, reached, fn); err != nil {
		return err
	}
	s.mergeLive(p, g)
	return nil
}

// serving returns the serving generation of a projection for one read.
func (s *Store) serving(name string) (*generation, func(), error) {
	p, err := s.projection(name)
	if err != nil {
		return nil, nil, err
	}
	return p.Acquire()
}
