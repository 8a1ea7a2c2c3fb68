package projections

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/chance-video/chance/domain/codec"
)

// Runner keeps every projector following the log, each from its own checkpoint, and
// can pause one to rebuild it.
type Runner struct {
	log        Log
	store      Store
	codec      *codec.Codec
	projectors map[string]Projector
	progress   *Progress

	mu      sync.Mutex
	running map[string]*follower
	ctx     context.Context
	errs    chan error
}

type follower struct {
	cancel context.CancelFunc
	done   chan struct{}
}

// NewRunner prepares projectors to follow log into store.
func NewRunner(log Log, store Store, projectors ...Projector) *Runner {
	r := &Runner{log: log, store: store, codec: codec.Shop(), projectors: map[string]Projector{}, running: map[string]*follower{}, errs: make(chan error, len(projectors))}
	names := make([]string, 0, len(projectors))
	for _, p := range projectors {
		r.projectors[p.Name()] = p
		names = append(names, p.Name())
	}
	r.progress = NewProgress(names...)
	return r
}

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

// Run follows the log with every projector until ctx ends or one fails.
func (r *Runner) Run(ctx context.Context) error {
	r.mu.Lock()
	r.ctx = ctx
	for name := range r.projectors {
		r.startLocked(name)
	}
	r.mu.Unlock()
	select {
	case <-ctx.Done():
		r.mu.Lock()
		for _, f := range r.running {
			<-f.done
		}
		r.mu.Unlock()
		return ctx.Err()
	case err := <-r.errs:
		return err
	}
}

func (r *Runner) startLocked(name string) {
	ctx, cancel := context.WithCancel(r.ctx)
	f := &follower{cancel: cancel, done: make(chan struct{})}
	r.running[name] = f
	go func() {
		defer close(f.done)
		err := Follow(ctx, r.log, r.store, r.codec, r.projectors[name], r.progress)
		if err != nil && !errors.Is(err, context.Canceled) {
			r.errs <- fmt.Errorf("projection %s: %w", name, err)
		}
	}()
}

// pause stops a projector's follower and returns a function that restarts it.
func (r *Runner) pause(name string) (resume func(), err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	f, ok := r.running[name]
	if !ok {
		return nil, fmt.Errorf("projection %s is not running", name)
	}
	f.cancel()
	<-f.done
	delete(r.running, name)
	return func() {
		r.mu.Lock()
		defer r.mu.Unlock()
		r.startLocked(name)
	}, nil
}

// Follow applies the log to one projector from its checkpoint on, one transaction
// per batch the subscription delivers (hundreds of events during catch-up), until
// ctx ends.
func Follow(ctx context.Context, log Log, store Store, c *codec.Codec, p Projector, progress *Progress) error {
	from, err := store.Checkpoint(ctx, p.Name())
	if err != nil {
		return err
	}
	if progress != nil {
		progress.Set(p.Name(), from)
	}
	return readAhead(ctx, log, from, c, p, func(ctx context.Context, b decoded) error {
		if err := write(ctx, store, p, b); err != nil {
			return err
		}
		if progress != nil {
			progress.Set(p.Name(), b.last)
		}
		return nil
	})
}

// write applies one decoded batch and records its last position as the checkpoint, in
// one transaction. A batch with nothing for this projector writes nothing: its
// checkpoint catches up with the next write.
func write(ctx context.Context, store Store, p Projector, b decoded) error {
	if len(b.events) == 0 {
		return nil
	}
	return store.Update(ctx, p.Name(), b.last, func(tx Tx) error {
		for _, e := range b.events {
			if err := p.Apply(ctx, tx, e); err != nil {
				return fmt.Errorf("apply %s@%d (%s): %w", e.StreamID, e.Revision, e.Type, err)
			}
		}
		return nil
	})
}
