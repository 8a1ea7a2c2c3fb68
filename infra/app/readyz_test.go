package app_test

import (
	"context"
	"encoding/json"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chance-video/chance/eventlog"
	"github.com/chance-video/chance/infra/app"
	"github.com/chance-video/chance/infra/httpapi"
)

// stalling is an event store whose Head stalls, once stall is set, until its caller
// gives up (a database that stopped answering).
type stalling struct {
	eventlog.Store
	stall atomic.Bool
}

func (s *stalling) Head(ctx context.Context) (eventlog.Position, error) {
	if s.stall.Load() {
		<-ctx.Done()
		return eventlog.Start, ctx.Err()
	}
	return s.Store.Head(ctx)
}

// /readyz runs its checks side by side, each within its own bound: a stalled event
// store is reported as the failing part, and the read store, asked meanwhile, as fine.
func TestReadyzNamesTheStalledPart(t *testing.T) {
	var events *stalling
	sh := newShopWith(t, embedded, func(a *app.App) {
		events = &stalling{Store: a.Events}
		a.Events = events
	})
	events.stall.Store(true)
	asked := time.Now()
	resp, err := http.Get(sh.server.URL + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct{ Checks []httpapi.Check }
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("readyz with the event store stalled: %d %+v", resp.StatusCode, body)
	}
	ok := map[string]bool{}
	for _, c := range body.Checks {
		ok[c.Name] = c.OK
	}
	if ok["event store"] || !ok["read store"] {
		t.Fatalf("checks %+v: want the event store failing and the read store fine", body.Checks)
	}
	if took := time.Since(asked); took > 5*time.Second {
		t.Fatalf("readyz took %s", took)
	}
}
