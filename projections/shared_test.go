package projections_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/chance-video/chance/eventlog"
	"github.com/chance-video/chance/infra/readstore/readpostgres"
	"github.com/chance-video/chance/infra/readstore/readpostgres/pgtest"
	"github.com/chance-video/chance/projections"
	"github.com/chance-video/chance/readmodel/accounts"
	"github.com/chance-video/chance/readmodel/ledger"
)

// applied is a batch a runner's UpdateBatch committed.
type applied struct{ first, reached eventlog.Position }

// recording is a PostgreSQL read store that notes the batches committed through it.
type recording struct {
	*readpostgres.Store
	mu      *sync.Mutex
	batches map[string][]applied
}

func (r recording) UpdateBatch(ctx context.Context, name string, first, reached eventlog.Position, fn func(projections.Writes) error) error {
	err := r.Store.UpdateBatch(ctx, name, first, reached, fn)
	if err == nil {
		r.mu.Lock()
		r.batches[name] = append(r.batches[name], applied{first, reached})
		r.mu.Unlock()
	}
	return err
}

// Two processes' runners follow one log into one PostgreSQL read store, through the
// catch-up and while the log grows: each event is applied once (no two committed
// batches overlap), both runners reach the head, and the read models are right.
func TestTwoRunnersShareAPostgresReadStore(t *testing.T) {
	url := pgtest.URL(t)
	schema := pgtest.Schema(t, url)
	log := benchLog(t, 20, 50)
	var mu sync.Mutex
	batches := map[string][]applied{}
	ctx, cancel := context.WithCancel(t.Context())
	var runners []*projections.Runner
	var wg sync.WaitGroup
	for range 2 {
		s, err := readpostgres.Open(ctx, url, readpostgres.WithSchema(schema))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		r := projections.NewRunner(log, recording{Store: s, mu: &mu, batches: batches}, ledger.Projector, accounts.Projector)
		runners = append(runners, r)
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := r.Run(ctx); err != nil && ctx.Err() == nil {
				t.Errorf("runner: %v", err)
			}
		}()
	}
	t.Cleanup(wg.Wait)
	t.Cleanup(cancel)
	// While both follow: more accounts, one append each, which the runners get in small
	// batches and race for.
	users := appendTopUps(t, log, 200, 5)
	head, err := log.Head(ctx)
	if err != nil {
		t.Fatal(err)
	}
	wait, stop := context.WithTimeout(ctx, time.Minute)
	defer stop()
	for i, r := range runners {
		if err := r.Progress().Wait(wait, head); err != nil {
			t.Fatalf("runner %d did not reach the head %s: %v (at %s)", i, head, err, r.Progress().Reached(ledger.Name))
		}
	}
	mu.Lock()
	defer mu.Unlock()
	for _, name := range []string{ledger.Name, accounts.Name} {
		got := slices.Clone(batches[name])
		slices.SortFunc(got, func(a, b applied) int {
			if a.first.Less(b.first) {
				return -1
			}
			return 1
		})
		for i := 1; i < len(got); i++ {
			if !got[i-1].reached.Less(got[i].first) {
				t.Errorf("%s: batches %s–%s and %s–%s were both applied", name, got[i-1].first, got[i-1].reached, got[i].first, got[i].reached)
			}
		}
		if len(got) == 0 || got[len(got)-1].reached != head {
			t.Errorf("%s: the last batch applied does not end at the head %s", name, head)
		}
		t.Logf("%s: %d batches applied", name, len(got))
	}
	s, err := readpostgres.Open(ctx, url, readpostgres.WithSchema(schema))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, u := range users[:20] {
		if b, err := s.Balance(ctx, u); err != nil || b != 500 {
			t.Errorf("balance of %s: %d, %v, want 500", u, b, err)
		}
		if lines, err := s.Ledger(ctx, ledger.Query{UserID: u}); err != nil || len(lines) != 5 {
			t.Errorf("%s has %d ledger lines, %v, want 5", u, len(lines), err)
		}
	}
}
