package projections

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/chance-video/chance/domain/codec"
	"github.com/chance-video/chance/eventlog"
)

// Runner keeps every projector following the log, each from its own checkpoint, and
// can pause one to rebuild it.
type Runner struct {
	log        Log
	store      Store
	codec      *codec.Codec
	projectors map[string]Projector
	progress   *Progress
	leases     Leases // nil: this process is the only one following

	mu       sync.Mutex
	running  map[string]*follower
	ctx      context.Context // Run's, for followers started later (after a rebuild)
	stopped  bool            // Run has returned or is returning: start nothing more
	rebuilds sync.WaitGroup  // online rebuilds in flight, which Run waits for
	errs     chan error
}

type follower struct {
	cancel context.CancelFunc
	done   chan struct{}
	gate   *gate
}

// NewRunner prepares projectors to follow log into store.
func NewRunner(log Log, store Store, projectors ...Projector) *Runner {
	r := &Runner{log: log, store: store, codec: codec.Shop(), projectors: map[string]Projector{}, running: map[string]*follower{}, errs: make(chan error, 1)}
	names := make([]string, 0, len(projectors))
	for _, p := range projectors {
		r.projectors[p.Name()] = p
		names = append(names, p.Name())
	}
	r.progress = NewProgress(names...)
	return r
}

// UseLeases makes each projection's follower hold its lease (LeaseName) while it
// follows: on a store several processes' runners share, one process at a time follows
// each projection and the others stand by. Call it before Run.
func (r *Runner) UseLeases(l Leases) { r.leases = l }

// Progress tells how far each projector has applied the log.
func (r *Runner) Progress() *Progress { return r.progress }

// Names lists the projections the runner runs.
func (r *Runner) Names() []string {
	names := make([]string, 0, len(r.projectors))
	for n := range r.projectors {
		names = append(names, n)
	}
	return names
}

// ErrStopped: the runner has stopped (its Run returned), so it rebuilds nothing.
var ErrStopped = errors.New("the projection runner has stopped")

// Run follows the log with every projector until ctx ends or one fails. Either way it
// stops every follower and every online rebuild, and waits for them, before it
// returns: the caller may close the stores as soon as it has.
func (r *Runner) Run(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	r.mu.Lock()
	if r.ctx != nil {
		r.mu.Unlock()
		return errors.New("the projection runner runs once")
	}
	r.ctx = ctx
	for name := range r.projectors {
		r.startLocked(name)
	}
	r.mu.Unlock()
	var err error
	select {
	case <-ctx.Done():
		err = ctx.Err()
	case err = <-r.errs:
	}
	cancel()
	r.mu.Lock()
	r.stopped = true
	running := r.running
	r.running = map[string]*follower{}
	r.mu.Unlock()
	for _, f := range running {
		<-f.done
	}
	r.rebuilds.Wait()
	return err
}

func (r *Runner) startLocked(name string) {
	if r.stopped {
		return
	}
	ctx, cancel := context.WithCancel(r.ctx)
	f := &follower{cancel: cancel, done: make(chan struct{}), gate: &gate{}}
	r.running[name] = f
	go func() {
		defer close(f.done)
		follow := func(ctx context.Context) error {
			return f.gate.run(ctx, func(ctx context.Context) error {
				return Follow(ctx, r.log, r.store, r.codec, r.projectors[name], r.progress)
			})
		}
		var err error
		if r.leases != nil {
			err = r.leases.Hold(ctx, LeaseName(name), follow)
		} else {
			err = follow(ctx)
		}
		if err != nil && ctx.Err() == nil {
			select {
			case r.errs <- fmt.Errorf("projection %s: %w", name, err):
			default: // another failure is already stopping the runner
			}
		}
	}()
}

// startRebuild registers an online rebuild, which Run will wait for, and gives it a
// context that ends when Run stops.
func (r *Runner) startRebuild(ctx context.Context) (context.Context, func(), error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.ctx == nil || r.stopped {
		return nil, nil, ErrStopped
	}
	r.rebuilds.Add(1)
	ctx, cancel := context.WithCancel(ctx)
	stop := context.AfterFunc(r.ctx, cancel)
	return ctx, func() {
		stop()
		cancel()
		r.rebuilds.Done()
	}, nil
}

// pause stops a projector's follower and returns a function that restarts it. The
// follower keeps its lease meanwhile: a standby of another process taking the
// projection over during the rebuild's swap would write into the tables being swapped.
func (r *Runner) pause(name string) (resume func(), err error) {
	r.mu.Lock()
	f, ok := r.running[name]
	r.mu.Unlock()
	if !ok {
		return nil, fmt.Errorf("projection %s is not running", name)
	}
	if !f.gate.pause() {
		return nil, fmt.Errorf("projection %s is already paused", name)
	}
	return f.gate.resume, nil
}

// gate suspends a follower's work without ending it (and so without giving its lease
// up): pause stops the work and waits for it to return, resume starts it again.
type gate struct {
	mu      sync.Mutex
	paused  bool
	resumed chan struct{}      // closed by resume
	stop    context.CancelFunc // ends the running work; nil while none runs
	stopped chan struct{}      // closed when the running work has returned
}

// run runs work until ctx ends or work returns by itself, suspending it while paused.
func (g *gate) run(ctx context.Context, work func(context.Context) error) error {
	for {
		g.mu.Lock()
		if g.paused {
			resumed := g.resumed
			g.mu.Unlock()
			select {
			case <-resumed:
				continue
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		wctx, stop := context.WithCancel(ctx)
		stopped := make(chan struct{})
		g.stop, g.stopped = stop, stopped
		g.mu.Unlock()

		err := work(wctx)
		stop()
		g.mu.Lock()
		g.stop = nil
		paused := g.paused
		g.mu.Unlock()
		close(stopped)
		if !paused || ctx.Err() != nil {
			return err
		}
	}
}

// pause stops the work, if it runs, and keeps it from starting until resume; false if
// it was already paused.
func (g *gate) pause() bool {
	g.mu.Lock()
	if g.paused {
		g.mu.Unlock()
		return false
	}
	g.paused, g.resumed = true, make(chan struct{})
	stop, stopped := g.stop, g.stopped
	g.mu.Unlock()
	if stop != nil {
		stop()
		<-stopped
	}
	return true
}

func (g *gate) resume() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.paused {
		g.paused = false
		close(g.resumed)
	}
}

// Follow applies the log to one projector from its checkpoint on, one transaction
// per batch the subscription delivers (hundreds of events during catch-up), until
// ctx ends. On a store shared with other processes' runners (Shared), a batch another
// runner applied first is passed over, and one it applied part of makes Follow go on
// from the checkpoint that runner reached.
//
// A store that cannot be reached (eventlog.Unavailable: the database restarting, the
// network cut) does not end Follow: it tries again, pausing longer each time up to
// maxOutagePause, from the checkpoint, so a short outage does not stop the shop.
func Follow(ctx context.Context, log Log, store Store, c *codec.Codec, p Projector, progress *Progress) error {
	pause, lastOutage := firstOutagePause, time.Time{}
	for {
		err := follow(ctx, log, store, c, p, progress)
		if ctx.Err() != nil || !eventlog.Unavailable(err) {
			return err
		}
		if time.Since(lastOutage) > 2*maxOutagePause {
			pause = firstOutagePause // a new outage, not the same one going on
		}
		lastOutage = time.Now()
		slog.Warn("projection paused: a store cannot be reached; trying again", "projection", p.Name(), "pause", pause, "error", err)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(pause):
		}
		pause = min(2*pause, maxOutagePause)
	}
}

// Pauses of a follower between tries while a store cannot be reached.
const (
	firstOutagePause = 100 * time.Millisecond
	maxOutagePause   = 5 * time.Second
)

func follow(ctx context.Context, log Log, store Store, c *codec.Codec, p Projector, progress *Progress) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	scanned := newScanReporter(ctx, store, p.Name())
	for {
		from, err := store.Checkpoint(ctx, p.Name())
		if err != nil {
			return err
		}
		if progress != nil {
			progress.Set(p.Name(), from)
		}
		err = readAhead(ctx, log, from, c, p, func(ctx context.Context, b decoded) error {
			if err := write(ctx, store, p, b); err != nil {
				return err
			}
			if len(b.events) == 0 {
				scanned.saw(b.last) // the checkpoint did not move: tell other processes
			}
			if progress != nil {
				progress.Set(p.Name(), b.last)
			}
			return nil
		})
		if !errors.Is(err, errResume) {
			return err
		}
	}
}

// errResume: another process applied part of a batch; the follower resubscribes from
// the checkpoint.
var errResume = errors.New("resume from the checkpoint")

// write applies one decoded batch and records its last position as the checkpoint, in
// one transaction. A batch with nothing for this projector writes nothing: its
// checkpoint catches up with the next write.
//
// On a Shared store it returns nil, having written nothing, when another process has
// applied the whole batch, and an error matching errResume when it applied a part.
func write(ctx context.Context, store Store, p Projector, b decoded) error {
	if len(b.events) == 0 {
		return nil
	}
	apply := func(tx Writes) error {
		for _, e := range b.events {
			if err := p.Apply(ctx, tx, e); err != nil {
				return fmt.Errorf("apply %s@%d (%s): %w", e.StreamID, e.Revision, e.Type, err)
			}
		}
		return nil
	}
	shared, ok := store.(Shared)
	if !ok {
		return store.Update(ctx, p.Name(), b.last, apply)
	}
	err := shared.UpdateBatch(ctx, p.Name(), b.events[0].Position, b.last, apply)
	if !errors.Is(err, ErrOvertaken) {
		return err
	}
	at, cerr := store.Checkpoint(ctx, p.Name())
	if cerr != nil {
		return errors.Join(err, cerr)
	}
	if !at.Less(b.last) {
		return nil // all of it is in
	}
	return fmt.Errorf("%w: %w", errResume, err)
}
