package app_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/chance-video/chance/infra/app"
	"github.com/chance-video/chance/infra/clock"
	"github.com/chance-video/chance/infra/config"
	"github.com/chance-video/chance/readmodel/all"
)

// While every projection is rebuilt online (one by one, then all from one pass), a reader keeps querying: it sees no error
// and never less than what was there before the rebuild started.
func testRebuildUnderQueries(t *testing.T, b backend) {
	sh := newShopOn(t, b)
	token := journeyState(t, sh)
	wantTotal := num(sh.expect(http.StatusOK, call{method: "GET", path: "/search/?limit=1"})["total"])
	wantBalance := num(sh.expect(http.StatusOK, call{method: "GET", path: "/billing/amount", token: token})["balance"])

	stop, reading := make(chan struct{}), make(chan struct{})
	var queries atomic.Int64
	var wg sync.WaitGroup
	wg.Go(func() {
		defer func() {
			if queries.Load() == 0 {
				close(reading) // failed before the first answer: let the test end
			}
		}()
		for {
			select {
			case <-stop:
				return
			default:
			}
			search := sh.do(call{method: "GET", path: "/search/?limit=1"})
			balance := sh.do(call{method: "GET", path: "/billing/amount", token: token})
			if search.status != http.StatusOK || balance.status != http.StatusOK {
				t.Errorf("during the rebuild: search %d %s, balance %d %s", search.status, search.raw, balance.status, balance.raw)
				return
			}
			if got := num(search.json(t)["total"]); got != wantTotal {
				t.Errorf("during the rebuild search found %d premieres, want %d", got, wantTotal)
				return
			}
			if got := num(balance.json(t)["balance"]); got != wantBalance {
				t.Errorf("during the rebuild the balance read %d, want %d", got, wantBalance)
				return
			}
			if queries.Add(1) == 1 {
				close(reading)
			}
		}
	})
	<-reading // the reader is answering: rebuild under its queries
	var names []string
	for _, p := range all.Projectors() {
		if err := sh.app.Runner.Rebuild(context.Background(), p.Name(), nil); err != nil {
			t.Errorf("rebuild %s: %v", p.Name(), err)
		}
		names = append(names, p.Name())
	}
	// And all of them again from one pass over the log.
	if err := sh.app.Runner.RebuildTogether(context.Background(), names, nil, nil); err != nil {
		t.Errorf("rebuild all together: %v", err)
	}
	close(stop)
	wg.Wait()
	t.Logf("%d query pairs answered during the rebuild", queries.Load())
}

func TestRebuildUnderQueriesSQLite(t *testing.T)   { testRebuildUnderQueries(t, embedded) }
func TestRebuildUnderQueriesPostgres(t *testing.T) { testRebuildUnderQueries(t, postgresReads) }

// A store that cannot be reached fails the start with the variable to fix.
func TestUnreachableStoresFailFast(t *testing.T) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	cases := map[string]func(*config.Config){
		"CHANCE_POSTGRES_URL": func(c *config.Config) {
			c.ReadStore, c.PostgresURL = config.Postgres, "postgres://postgres@127.0.0.1:1/none?sslmode=disable&connect_timeout=2"
		},
		"CHANCE_ESDB_URL": func(c *config.Config) {
			c.EventStore, c.ESDBURL = config.ESDB, "esdb://127.0.0.1:1?tls=false"
		},
		"CHANCE_EVENTSTORE_POSTGRES_URL": func(c *config.Config) {
			c.EventStore, c.EventsPostgresURL = config.Postgres, "postgres://postgres@127.0.0.1:1/none?sslmode=disable&connect_timeout=2"
		},
	}
	for variable, set := range cases {
		cfg := config.Defaults()
		cfg.DataDir = t.TempDir()
		set(&cfg)
		a, err := app.Open(cfg, clock.NewManual(start), log)
		if err == nil {
			a.Close()
			t.Fatalf("%s unreachable, yet the shop opened", variable)
		}
		if !strings.Contains(err.Error(), variable) {
			t.Errorf("error %q does not name %s", err, variable)
		}
	}
}

// Admins rebuild read models online over HTTP; the shop's answers stay the same.
func TestAdminReplayOverHTTP(t *testing.T) {
	sh := newShop(t)
	token := journeyState(t, sh)
	sh.signUp("root@example.ru")
	sh.grant("root@example.ru", "admin")
	admin := sh.signIn("root@example.ru")
	before := snapshot(t, sh, token)

	sh.expect(http.StatusForbidden, call{method: "POST", path: "/admin/replay/all", token: token})
	sh.expect(http.StatusNotFound, call{method: "POST", path: "/admin/replay/nothing_v1", token: admin})
	done := sh.expect(http.StatusOK, call{method: "POST", path: "/admin/replay/all", token: admin})["items"].([]any)
	if len(done) != len(all.Projectors()) {
		t.Fatalf("rebuilt %d read models: %v", len(done), done)
	}
	for _, d := range done {
		if num(d.(map[string]any)["events"]) == 0 {
			t.Fatalf("a rebuild read no events: %v", d)
		}
	}
	sh.settle()
	if after := snapshot(t, sh, token); after != before {
		t.Fatalf("state changed across an online replay:\nbefore:\n%s\nafter:\n%s", before, after)
	}
}

// Six admins rebuilding everything at once once gave three 500s (a follower paused
// twice). Now each read model is rebuilt by one request at a time; the others get 409.
func TestConcurrentReplaysAreRefusedNotFailed(t *testing.T) {
	sh := newShop(t)
	journeyState(t, sh)
	sh.signUp("root@example.ru")
	sh.grant("root@example.ru", "admin")
	admin := sh.signIn("root@example.ru")

	statuses := make(chan reply, 6)
	var wg sync.WaitGroup
	for range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses <- sh.do(call{method: "POST", path: "/admin/replay/all", token: admin})
		}()
	}
	wg.Wait()
	close(statuses)
	ok := 0
	for r := range statuses {
		switch r.status {
		case http.StatusOK:
			ok++
		case http.StatusConflict:
			if !strings.Contains(string(r.raw), "already being rebuilt") {
				t.Errorf("409 does not say why: %s", r.raw)
			}
		default:
			t.Errorf("concurrent replay answered %d: %s", r.status, r.raw)
		}
	}
	if ok == 0 {
		t.Fatal("no replay went through")
	}
}
