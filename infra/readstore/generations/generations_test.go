package generations

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/chance-video/chance/eventlog"
	"github.com/chance-video/chance/infra/readstore/inflight"
	"github.com/chance-video/chance/projections"
)

// gen is a generation of no engine: the lifecycle needs only its number and its counter.
type gen struct {
	n    int
	refs *inflight.Refs
}

func (g *gen) InFlight() *inflight.Refs { return g.refs }
func (g *gen) Number() int              { return g.n }

// steps is a Build that records the engine steps the lifecycle asks for, in order.
type steps struct {
	gen       *gen
	log       *[]string
	commitErr error
}

func (b *steps) Generation() *gen { return b.gen }
func (b *steps) Checkpoint(context.Context, string) (eventlog.Position, error) {
	return eventlog.Start, nil
}
func (b *steps) Update(context.Context, string, eventlog.Position, func(projections.Writes) error) error {
	*b.log = append(*b.log, "update")
	return nil
}
func (b *steps) Commit(context.Context) error {
	*b.log = append(*b.log, "commit")
	return b.commitErr
}
func (b *steps) Retire(_ context.Context, old *gen) {
	// The swap has drained the old generation: no call may still use it.
	if old.refs.Acquire() {
		*b.log = append(*b.log, "retire while old still serves")
		return
	}
	*b.log = append(*b.log, "retire")
}
func (b *steps) Drop(context.Context) error {
	*b.log = append(*b.log, "drop")
	return nil
}

func newGen(n int) *gen { return &gen{n: n, refs: inflight.New()} }

func TestPromoteCommitsThenSwapsThenRetires(t *testing.T) {
	ctx := t.Context()
	p := New("p_v1", newGen(1))
	var log []string
	b := &steps{gen: newGen(2), log: &log, commitErr: errors.New("disk full")}
	sh, err := p.Shadow(ctx, func(context.Context) (Build[*gen], error) { return b, nil })
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Shadow(ctx, func(context.Context) (Build[*gen], error) { return b, nil }); !errors.Is(err, projections.ErrRebuildInProgress) {
		t.Errorf("a second build: %v, want ErrRebuildInProgress", err)
	}
	if err := sh.Update(ctx, "other_v1", eventlog.Start, nil); !errors.Is(err, projections.ErrWrongProjection) {
		t.Errorf("a shadow updated for another projection: %v", err)
	}
	// A failed commit changes nothing: the old generation serves, the shadow stays usable.
	if err := sh.Promote(ctx); err == nil {
		t.Fatal("a promote whose commit failed succeeded")
	}
	if g, release, _ := p.Acquire(); g.n != 1 {
		t.Errorf("generation %d serves after a failed promote, want 1", g.n)
	} else {
		release()
	}
	b.commitErr = nil
	if err := sh.Update(ctx, "p_v1", eventlog.Start, nil); err != nil {
		t.Fatal(err)
	}
	if err := sh.Promote(ctx); err != nil {
		t.Fatal(err)
	}
	if g, release, _ := p.Acquire(); g.n != 2 {
		t.Errorf("generation %d serves after the promote, want 2", g.n)
	} else {
		release()
	}
	if want := []string{"commit", "update", "commit", "retire"}; !slices.Equal(log, want) {
		t.Errorf("steps %v, want %v", log, want)
	}
	if err := sh.Discard(ctx); !errors.Is(err, projections.ErrShadowDone) {
		t.Errorf("discarding a promoted shadow: %v, want ErrShadowDone", err)
	}
}

func TestCloseDropsTheBuildAndRefusesCalls(t *testing.T) {
	ctx := t.Context()
	p := New("p_v1", newGen(1))
	var log []string
	sh, err := p.Shadow(ctx, func(context.Context) (Build[*gen], error) { return &steps{gen: newGen(2), log: &log}, nil })
	if err != nil {
		t.Fatal(err)
	}
	old, err := p.Close()
	if err != nil || old.n != 1 {
		t.Fatalf("close returned %v, %v; want generation 1", old, err)
	}
	if !slices.Equal(log, []string{"drop"}) {
		t.Errorf("steps %v, want the build dropped", log)
	}
	if err := sh.Promote(ctx); err == nil {
		t.Error("a shadow was promoted after Close")
	}
	if _, _, err := p.Acquire(); !errors.Is(err, ErrClosed) {
		t.Errorf("acquire after Close: %v, want ErrClosed", err)
	}
	if _, err := p.Shadow(ctx, nil); !errors.Is(err, ErrClosed) {
		t.Errorf("shadow after Close: %v, want ErrClosed", err)
	}
}

func TestRegistry(t *testing.T) {
	var r Registry[int]
	r.Add("b_v1", 2, true)
	r.Add("a_v1", 1, true)
	if got := r.Names(); !slices.Equal(got, []string{"a_v1", "b_v1"}) {
		t.Errorf("names %v, want them sorted", got)
	}
	if m, err := r.Get("b_v1"); err != nil || m != 2 {
		t.Errorf("get: %v, %v", m, err)
	}
	if _, err := r.Get("c_v1"); !errors.Is(err, projections.ErrUnknownProjection) {
		t.Errorf("get of an unknown name: %v, want ErrUnknownProjection", err)
	}
	for name, complete := range map[string]bool{"a_v1": true, "c_v1": false} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("registering %s (complete %v) did not panic", name, complete)
				}
			}()
			r.Add(name, 3, complete)
		}()
	}
}
