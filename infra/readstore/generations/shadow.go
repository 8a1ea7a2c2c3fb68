package generations

import (
	"context"
	"fmt"
	"sync"

	"github.com/chance-video/chance/eventlog"
	"github.com/chance-video/chance/projections"
)

// Build is an engine's half of one shadow: the generation being built and the steps
// that touch files or schemas. Shadow calls them one at a time, in the lifecycle's order.
type Build[G any] interface {
	// Generation is the one being built, swapped in as serving by Promote.
	Generation() G
	// Checkpoint and Update act on the shadow generation, like the store's own on the
	// serving one.
	Checkpoint(ctx context.Context, projection string) (eventlog.Position, error)
	Update(ctx context.Context, projection string, reached eventlog.Position, fn func(projections.Writes) error) error
	// Commit records the generation as serving, durably: from then on a restart (or
	// another process) serves it. If it fails, nothing changed and the shadow stays usable.
	Commit(ctx context.Context) error
	// Retire runs after the swap, once no call in this process uses old (the generation
	// that served here before): it drops what Commit replaced and frees the build's
	// resources. It cannot fail the promote, which has committed: what it leaves behind
	// is a stray that the engine's next Open (or Shadow) drops.
	Retire(ctx context.Context, old G)
	// Drop deletes the shadow generation and frees the build's resources (Discard); the
	// serving generation was never touched.
	Drop(ctx context.Context) error
}

// Shadow is a generation being built beside the serving one. Its Update and Checkpoint
// act on the shadow; queries keep reading the serving generation until Promote.
type Shadow[T any, G Generation[T]] struct {
	p     *Projection[T, G]
	build Build[G]

	mu   sync.Mutex // serializes the shadow's calls: one rebuild drives it
	done bool       // promoted or discarded
}

func (sh *Shadow[T, G]) Checkpoint(ctx context.Context, name string) (eventlog.Position, error) {
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if err := sh.usable(name); err != nil {
		return eventlog.Start, err
	}
	return sh.build.Checkpoint(ctx, name)
}

func (sh *Shadow[T, G]) Update(ctx context.Context, name string, reached eventlog.Position, fn func(projections.Writes) error) error {
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if err := sh.usable(name); err != nil {
		return err
	}
	return sh.build.Update(ctx, name, reached, fn)
}

func (sh *Shadow[T, G]) usable(name string) error {
	if sh.done {
		return fmt.Errorf("shadow %s generation %d: %w", sh.p.name, sh.number(), projections.ErrShadowDone)
	}
	if name != sh.p.name {
		return fmt.Errorf("shadow of %s asked for %s: %w", sh.p.name, name, projections.ErrWrongProjection)
	}
	return nil
}

func (sh *Shadow[T, G]) number() int { return sh.build.Generation().Number() }

// Promote makes the shadow the serving generation: first the engine's record (so a
// restart serves it), then the in-memory pointer. The old generation is dropped once the
// calls in flight on it finish; new calls go to the promoted one meanwhile.
func (sh *Shadow[T, G]) Promote(ctx context.Context) error {
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if err := sh.usable(sh.p.name); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	p := sh.p
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.building != sh || p.serving.Load() == nil {
		return fmt.Errorf("promote %s: %w", p.name, ErrClosed) // Close discarded it
	}
	if err := sh.build.Commit(ctx); err != nil {
		return fmt.Errorf("promote %s generation %d: %w", p.name, sh.number(), err)
	}
	sh.done = true
	p.building = nil
	old := p.swap(sh.build.Generation())
	sh.build.Retire(context.WithoutCancel(ctx), old) // the promote has committed: finish tidying up
	return nil
}

// Discard drops the shadow; the serving generation was never touched.
func (sh *Shadow[T, G]) Discard(ctx context.Context) error {
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if sh.done {
		return fmt.Errorf("discard %s: %w", sh.p.name, projections.ErrShadowDone)
	}
	sh.done = true
	sh.p.mu.Lock()
	if sh.p.building == sh {
		sh.p.building = nil
	}
	sh.p.mu.Unlock()
	// A rebuild discards on failure, often with its context cancelled.
	if err := sh.build.Drop(context.WithoutCancel(ctx)); err != nil {
		return fmt.Errorf("discard %s generation %d: %w", sh.p.name, sh.number(), err)
	}
	return nil
}
