package app

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/chance-video/chance/eventlog"
	"github.com/chance-video/chance/infra/config"
	"github.com/chance-video/chance/infra/httpapi"
	"github.com/chance-video/chance/integration"
)

// /readyz checks, on every process: the event store and the read store answer, the
// broker answers (Kafka), and the read models are not too far behind the log. Load
// balancers poll it, so a result is reused for readyCacheFor.
const (
	readyCacheFor   = time.Second
	readyPingWithin = time.Second // each check's bound
)

// Ops are the operations endpoints' checks (served by the API, or alone by OpsHandler).
func (a *App) Ops() httpapi.Ops {
	a.readyOnce.Do(func() { a.readyCache = &readyCache{} })
	return httpapi.Ops{Starting: a.readyForHTTP(), Checks: a.readyChecks, Metrics: a.Metrics.Handler()}
}

// OpsHandler serves only the operations endpoints: a process without the api role.
func (a *App) OpsHandler() http.Handler { return httpapi.OpsHandler(a.Ops()) }

type readyCache struct {
	mu     sync.Mutex
	at     time.Time
	checks []httpapi.Check
}

// pinger is a bus that can tell whether its brokers answer (Kafka).
type pinger interface {
	Ping(ctx context.Context) error
}

func (a *App) readyChecks(ctx context.Context) []httpapi.Check {
	c := a.readyCache
	c.mu.Lock() // one computation at a time; the others reuse it
	defer c.mu.Unlock()
	if time.Since(c.at) < readyCacheFor {
		return c.checks
	}
	ctx = context.WithoutCancel(ctx)
	checks := []func(context.Context) httpapi.Check{
		func(ctx context.Context) httpapi.Check {
			return check("event store", func() error { _, err := a.Events.Head(ctx); return err })
		},
		func(ctx context.Context) httpapi.Check {
			return check("read store", func() error { _, _, err := a.Reads.FollowerCheckpoint(ctx, integration.ForwarderName); return err })
		},
	}
	if p, ok := a.Bus.(pinger); ok {
		checks = append(checks, func(ctx context.Context) httpapi.Check {
			return check("broker", func() error { return p.Ping(ctx) })
		})
	}
	checks = append(checks, a.lagCheck)
	// In parallel, each within its own bound: a slow part is reported as itself, not
	// as the parts after it running out of a shared time.
	results := make([]httpapi.Check, len(checks))
	var wg sync.WaitGroup
	for i, run := range checks {
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(ctx, readyPingWithin)
			defer cancel()
			results[i] = run(ctx)
		})
	}
	wg.Wait()
	c.at, c.checks = time.Now(), results
	return results
}

func check(name string, fn func() error) httpapi.Check {
	if err := fn(); err != nil {
		return httpapi.Check{Name: name, Detail: err.Error()}
	}
	return httpapi.Check{Name: name, OK: true}
}

// lagCheck measures the read models' lag as the age of the oldest event the slowest of
// them has not applied (zero when they have applied everything): seconds mean the same
// on every event store, where positions do not count events on all of them. It makes
// only a process with the projector role unready: on the others (api-only ones) it is
// advisory — when the projector is down or failing over, every API would otherwise
// leave the load balancer at once, though writes and slightly stale reads still work.
// The billing history fed from the bus is not part of it.
func (a *App) lagCheck(ctx context.Context) httpapi.Check {
	c := a.measureLag(ctx)
	c.Advisory = !a.Config.Has(config.RoleProjector)
	return c
}

func (a *App) measureLag(ctx context.Context) httpapi.Check {
	const name = "projection lag"
	slowest, behind := eventlog.Position{}, ""
	for i, n := range a.Runner.Names() {
		if at := a.Runner.Progress().Reached(n); i == 0 || at.Less(slowest) {
			slowest, behind = at, n
		}
	}
	if behind == "" {
		return httpapi.Check{Name: name, OK: true}
	}
	next, err := a.Events.ReadAll(ctx, slowest, 1)
	if err != nil {
		return httpapi.Check{Name: name, Detail: fmt.Sprintf("read the log after %s: %v", slowest, err)}
	}
	if len(next) == 0 {
		return httpapi.Check{Name: name, OK: true, Detail: "0s"}
	}
	lag := max(a.Clock.Now().Sub(next[0].Metadata.OccurredAt), 0).Truncate(time.Millisecond)
	detail := fmt.Sprintf("%s: %s behind (at %s), bound %s (CHANCE_READY_MAX_LAG)", behind, lag, slowest, a.Config.ReadyMaxLag)
	return httpapi.Check{Name: name, OK: lag <= a.Config.ReadyMaxLag, Detail: detail}
}
