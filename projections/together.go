package projections

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/chance-video/chance/domain/codec"
)

// Target is one projection of a rebuild that feeds several from one pass over the log.
type Target struct {
	Projector Projector
	// Pause stops what keeps the serving tables up to date in this process (the
	// runner's follower) for the last stretch and the swap, and returns what restarts
	// it; nil when nothing here follows the projection (the replay command, a read
	// model fed from the bus).
	Pause func() (resume func(), err error)
}

// Failed names each projection whose rebuild failed, with why; the others were
// swapped in. Rebuilds that feed several projections return it as their error.
type Failed map[string]error

func (f Failed) Error() string {
	names := slices.Sorted(maps.Keys(f))
	msgs := make([]string, len(names))
	for i, n := range names {
		msgs[i] = f[n].Error()
	}
	return strings.Join(msgs, "; ")
}

// Unwrap lets errors.Is and errors.As look into every projection's error.
func (f Failed) Unwrap() []error {
	errs := make([]error, 0, len(f))
	for _, n := range slices.Sorted(maps.Keys(f)) {
		errs = append(errs, f[n])
	}
	return errs
}

func (f Failed) orNil() error {
	if len(f) == 0 {
		return nil
	}
	return f
}

// RebuildAll rebuilds projectors as Rebuild does, all from one pass over the log:
// each batch is read and decoded once and handed to every projection's own writer,
// each with its own transactions on its own shadow tables. A projection that fails
// is discarded and named in the Failed error; the others are still swapped in.
func RebuildAll(ctx context.Context, log Log, store Rebuildable, projectors []Projector, report func(RebuildReport)) error {
	targets := make([]Target, len(projectors))
	for i, p := range projectors {
		targets[i] = Target{Projector: p}
	}
	return rebuildTogether(ctx, log, store, codec.Shop(), targets, report).orNil()
}

// RebuildTogether is Runner.Rebuild for several projections, from one pass over the
// log: names are the runner's own (each follower is paused inside its lease for the
// last stretch and the swap), others are rebuilt beside what feeds them elsewhere (a
// read model fed from the bus; their caller catches them up afterwards).
func (r *Runner) RebuildTogether(ctx context.Context, names []string, others []Projector, report func(RebuildReport)) error {
	store, ok := r.store.(Rebuildable)
	if !ok {
		return fmt.Errorf("the read store cannot rebuild projections")
	}
	targets := make([]Target, 0, len(names)+len(others))
	for _, name := range names {
		p, ok := r.projectors[name]
		if !ok {
			return fmt.Errorf("no projection named %q", name)
		}
		targets = append(targets, Target{Projector: p, Pause: func() (func(), error) { return r.pause(name) }})
	}
	for _, p := range others {
		targets = append(targets, Target{Projector: p})
	}
	if len(names) > 0 {
		var done func()
		var err error
		if ctx, done, err = r.startRebuild(ctx); err != nil {
			return fmt.Errorf("rebuild %s: %w", strings.Join(names, ", "), err)
		}
		defer done()
	}
	return rebuildTogether(ctx, r.log, store, r.codec, targets, report).orNil()
}

// rebuildTogether builds a shadow of every target from one pass over the log up to its
// head, pauses the targets' followers, passes over what was appended meanwhile,
// promotes each shadow and resumes each follower. A target that fails on the way is
// discarded there and then; the others go on.
func rebuildTogether(ctx context.Context, log Log, store Rebuildable, c *codec.Codec, targets []Target, report func(RebuildReport)) Failed {
	failed := Failed{}
	var mu sync.Mutex // report is called from every target's writer
	say := func(r RebuildReport) {
		if report != nil {
			mu.Lock()
			defer mu.Unlock()
			report(r)
		}
	}
	started := time.Now()
	var builds []*build
	for _, t := range targets {
		shadow, err := store.Shadow(ctx, t.Projector.Name())
		if err != nil {
			failed[t.Projector.Name()] = fmt.Errorf("rebuild %s: %w", t.Projector.Name(), err)
			continue
		}
		builds = append(builds, &build{target: t, shadow: shadow, started: started, report: say,
			progress: RebuildReport{Projection: t.Projector.Name()}})
	}
	// Whatever fails from here on (a cancelled context, a panic) discards the shadow.
	defer func() {
		for _, b := range builds {
			if b.err == nil && !b.promoted {
				b.fail(errors.New("rebuild stopped before its swap"))
			}
			if b.err != nil {
				derr := b.shadow.Discard(context.WithoutCancel(ctx))
				if errors.Is(derr, ErrShadowDone) {
					derr = nil
				}
				failed[b.name()] = fmt.Errorf("rebuild %s: %w", b.name(), errors.Join(b.err, derr))
			}
		}
	}()
	pass(ctx, log, c, builds)
	for _, b := range builds {
		if b.err != nil || b.target.Pause == nil {
			continue
		}
		resume, err := b.target.Pause()
		if err != nil {
			b.fail(err)
			continue
		}
		defer resume() // after the swap: the follower goes on in the new tables
	}
	pass(ctx, log, c, builds)
	for _, b := range builds {
		if b.err != nil {
			continue
		}
		if err := b.shadow.Promote(ctx); err != nil {
			b.fail(fmt.Errorf("promote: %w", err))
			continue
		}
		b.promoted = true
		b.progress.Done = true
		b.progress.Elapsed = time.Since(started)
		say(b.progress)
	}
	return failed
}
