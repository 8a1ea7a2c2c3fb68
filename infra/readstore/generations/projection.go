// Package generations is the engine-neutral half of a read store's projections: which
// generation of each projection serves, and the lifecycle of a rebuild. A rebuild builds
// a shadow generation from zero while the serving one keeps answering queries and taking
// the runner's updates; Promote records the shadow as serving (durably, so a restart
// serves it), swaps it in and, once the calls in flight on the old generation have
// finished, drops the old one; Discard (or Close) drops an unfinished shadow.
//
// What a generation is — a SQLite file named in a manifest, a PostgreSQL schema named in
// a manifest table — and how it is created, recorded and dropped is the engine's: it
// implements Build for each shadow. Everything else (one build at a time, a shadow that
// refuses calls once done or for another projection, the order of the steps, the
// in-flight counting around the swap) lives here, once.
package generations

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/chance-video/chance/infra/readstore/inflight"
	"github.com/chance-video/chance/projections"
)

// ErrClosed is returned by every call on a closed store (each adapter exports it as its
// own ErrClosed).
var ErrClosed = errors.New("read store closed")

// Generation is a pointer to an engine's generation: it counts its calls in flight and
// has a number (for messages).
type Generation[T any] interface {
	inflight.Counted[T]
	Number() int
}

// Projection holds the generation that serves one projection, and its build in
// progress. T is the engine's generation type, G its pointer.
type Projection[T any, G Generation[T]] struct {
	name    string
	serving atomic.Pointer[T] // nil once closed

	mu       sync.Mutex    // serializes Shadow, Promote, Discard, Replace and Close
	building *Shadow[T, G] // the build in progress in this process: at most one, two would race to promote
}

// New returns a projection served by serving.
func New[T any, G Generation[T]](name string, serving G) *Projection[T, G] {
	p := &Projection[T, G]{name: name}
	p.serving.Store((*T)(serving))
	return p
}

// Name is the projection's name.
func (p *Projection[T, G]) Name() string { return p.name }

// Acquire returns the serving generation, in use until release is called: a promote or
// Close waits for release before the generation is dropped or closed.
func (p *Projection[T, G]) Acquire() (g G, release func(), err error) {
	g, release, ok := inflight.Acquire[T, G](&p.serving)
	if !ok {
		return nil, nil, ErrClosed
	}
	return g, release, nil
}

// Replace swaps in the generation next returns for the current one, if next reports
// ok, and waits until no call uses the old one. It is for an engine whose serving
// generation can change under it (another process promoted): the old generation is
// not dropped here, its promoter does that.
func (p *Projection[T, G]) Replace(next func(current G) (G, bool)) (bool, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	current := G(p.serving.Load())
	if current == nil {
		return false, ErrClosed
	}
	n, ok := next(current)
	if !ok {
		return false, nil
	}
	p.swap(n)
	return true, nil
}

// swap puts next in as the serving generation (nil: none), waits until no call uses the
// one it replaced and returns that one (nil if there was none).
func (p *Projection[T, G]) swap(next G) G { return inflight.Swap[T, G](&p.serving, next) }

// Close stops serving (waiting for the calls in flight) and discards the build in
// progress. It returns the generation that served, nil if none, for the engine to close.
func (p *Projection[T, G]) Close() (G, error) {
	// Retire first, under mu: a Shadow racing with Close then finds the store closed,
	// and a Promote finds its shadow no longer building.
	p.mu.Lock()
	old := p.swap(nil)
	building := p.building
	p.building = nil
	p.mu.Unlock()
	if building != nil {
		if err := building.Discard(context.Background()); err != nil && !errors.Is(err, projections.ErrShadowDone) {
			return old, err
		}
	}
	return old, nil
}

// Shadow starts the next build of the projection with begin, the engine's step that
// creates an empty generation (under the projection's lock, so an engine may number
// generations in memory). It refuses a second build while one is in progress here.
func (p *Projection[T, G]) Shadow(ctx context.Context, begin func(context.Context) (Build[G], error)) (projections.Shadow, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.serving.Load() == nil {
		return nil, ErrClosed
	}
	if p.building != nil {
		return nil, fmt.Errorf("shadow %s: %w (generation %d, in this process)", p.name, projections.ErrRebuildInProgress, p.building.build.Generation().Number())
	}
	b, err := begin(ctx)
	if err != nil {
		return nil, fmt.Errorf("shadow %s: %w", p.name, err)
	}
	p.building = &Shadow[T, G]{p: p, build: b}
	return p.building, nil
}
