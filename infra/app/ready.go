package app

import (
	"context"
	"fmt"
	"sync"

	"github.com/chance-video/chance/eventlog"
	"github.com/chance-video/chance/infra/config"
	"github.com/chance-video/chance/infra/httpapi"
)

// readiness tracks whether every read model has caught up with the log as it was when
// the app started running: until then, queries would answer from half-built read
// models (a search finding nothing, a balance of zero), so the API answers 503.
type readiness struct {
	once   sync.Once
	done   chan struct{}
	mu     sync.Mutex
	target eventlog.Position
	known  bool // target set: Run has read the log's head
}

func newReadiness() *readiness { return &readiness{done: make(chan struct{})} }

// Ready is closed once every read model has caught up with the log as it was when Run
// started (after flows were recovered).
func (a *App) Ready() <-chan struct{} { return a.readiness.done }

// awaitCaughtUp marks the app ready once every projection has reached head.
func (a *App) awaitCaughtUp(ctx context.Context, head eventlog.Position) {
	r := a.readiness
	r.mu.Lock()
	r.target, r.known = head, true
	r.mu.Unlock()
	if err := a.Runner.Progress().Wait(ctx, head, a.Runner.Names()...); err != nil {
		return // stopping before ready
	}
	// A projector is ready once each projection is being followed, here or elsewhere:
	// a projection whose lease this process waits out (the fencing delay, seconds)
	// would leave reads of new writes waiting in vain (on an empty log, caught up at once).
	if a.Config.Has(config.RoleProjector) {
		if err := a.leaseState.awaitSettled(ctx, a.projectionLeases()); err != nil {
			return
		}
	}
	if a.billingCaughtUp != nil { // fed from the bus: caught up with the log at start
		select {
		case <-a.billingCaughtUp:
		case <-ctx.Done():
			return
		}
	}
	r.once.Do(func() { close(r.done) })
	a.Log.Info("ready: read models caught up", "position", head.String())
}

// behind counts the projections that have not reached pos, and the furthest back one's position.
func (a *App) behind(pos eventlog.Position) (n int, slowest eventlog.Position) {
	slowest = pos
	for _, name := range a.Runner.Names() {
		if at := a.Runner.Progress().Reached(name); at.Less(pos) {
			n++
			if at.Less(slowest) {
				slowest = at
			}
		}
	}
	return n, slowest
}

// readyForHTTP is the API's readiness check.
func (a *App) readyForHTTP() httpapi.Readiness {
	return func() (bool, string) {
		select {
		case <-a.readiness.done:
			return true, ""
		default:
		}
		r := a.readiness
		r.mu.Lock()
		target, known := r.target, r.known
		r.mu.Unlock()
		if !known {
			return false, "completing interrupted payments"
		}
		n, slowest := a.behind(target)
		if n == 0 && a.Config.Has(config.RoleProjector) {
			if left, _ := a.leaseState.unsettled(a.projectionLeases()); len(left) > 0 {
				return false, fmt.Sprintf("%d projections wait out their lease's fencing delay", len(left))
			}
		}
		return false, fmt.Sprintf("%d read models are catching up with the log (at %s of %s)", n, slowest, target)
	}
}
