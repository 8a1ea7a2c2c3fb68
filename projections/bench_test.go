package projections_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain/account"
	"github.com/chance-video/chance/domain/codec"
	"github.com/chance-video/chance/domain/money"
	"github.com/chance-video/chance/eventlog"
	"github.com/chance-video/chance/infra/eventstore/eventsqlite"
	"github.com/chance-video/chance/infra/eventstore/postgres"
	"github.com/chance-video/chance/infra/readstore/readpostgres"
	"github.com/chance-video/chance/infra/readstore/readpostgres/pgtest"
	"github.com/chance-video/chance/infra/readstore/readsqlite"
	"github.com/chance-video/chance/projections"
	"github.com/chance-video/chance/readmodel/accounts"
	"github.com/chance-video/chance/readmodel/ledger"
)

// benchLog writes a log of money events: accounts × perAccount top-ups.
func benchLog(b testing.TB, accounts, perAccount int) *eventsqlite.Store {
	b.Helper()
	store, err := eventsqlite.Open(filepath.Join(b.TempDir(), "events.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { store.Close() })
	appendTopUps(b, store, accounts, perAccount)
	return store
}

// appendTopUps appends perAccount top-ups of 100 kopecks to each of accounts new
// accounts (streams account-<uuid>), one stream per append.
func appendTopUps(b testing.TB, store eventlog.Store, accounts, perAccount int) []uuid.UUID {
	b.Helper()
	c := codec.Shop()
	at := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	users := make([]uuid.UUID, accounts)
	for a := range accounts {
		user := uuid.New()
		users[a] = user
		events := make([]eventlog.EventData, perAccount)
		for i := range events {
			name, data, err := c.Encode(account.FundsAdded{UserID: user, Payment: uuid.New(), Amount: 100, BalanceAfter: money.Kopecks(100 * (i + 1)), At: at})
			if err != nil {
				b.Fatal(err)
			}
			events[i] = eventlog.EventData{ID: uuid.New(), Type: name, Data: data, Metadata: eventlog.Metadata{OccurredAt: at}}
		}
		if _, err := store.Append(context.Background(), account.Stream(user), eventlog.NoStream, events); err != nil {
			b.Fatal(err)
		}
	}
	return users
}

// oneByOne delivers the log one event per batch: the runner then commits one
// transaction per event, the baseline batching is measured against.
type oneByOne struct{ projections.Log }

func (l oneByOne) Subscribe(ctx context.Context, after eventlog.Position, handle func(context.Context, []eventlog.Record) error) error {
	return l.Log.Subscribe(ctx, after, func(ctx context.Context, batch []eventlog.Record) error {
		for i := range batch {
			if err := handle(ctx, batch[i:i+1]); err != nil {
				return err
			}
		}
		return nil
	})
}

// BenchmarkReplay rebuilds the ledger projection from a log of 20,000 money events
// into a fresh SQLite read store, in the runner's batches and one event per
// transaction, in the same run.
func BenchmarkReplay(b *testing.B) {
	const accounts, perAccount = 400, 50
	log := benchLog(b, accounts, perAccount)
	events := accounts * perAccount
	stores := []struct {
		name string
		open func(b *testing.B) (rebuildable, error)
	}{
		{"sqlite", func(b *testing.B) (rebuildable, error) { return readsqlite.Open(filepath.Join(b.TempDir(), "read")) }},
		{"postgres", func(b *testing.B) (rebuildable, error) {
			url := pgtest.URL(b)
			return readpostgres.Open(context.Background(), url, readpostgres.WithSchema(pgtest.Schema(b, url)))
		}},
	}
	for _, store := range stores {
		for _, mode := range []struct {
			name string
			log  projections.Log
		}{{"batched", log}, {"per-event", oneByOne{log}}} {
			b.Run(store.name+"/"+mode.name, func(b *testing.B) {
				replayInto(b, store.open, mode.log, ledger.Projector, events, fmt.Sprintf("%d accounts × %d top-ups, %s", accounts, perAccount, mode.name))
			})
		}
	}
}

type rebuildable interface {
	projections.Rebuildable
	Close() error
}

// BenchmarkReplayPostgres rebuilds the money read models (the billing history and the
// balances, which every event of this log feeds) from a PostgreSQL event store of
// 100,000 events into a fresh PostgreSQL read store: the production pair.
func BenchmarkReplayPostgres(b *testing.B) {
	const customers, perAccount = 1_000, 100
	url := pgtest.URL(b)
	log, err := postgres.Open(context.Background(), url, postgres.WithSchema(pgtest.Schema(b, url)+"_events"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { log.Close() })
	appendTopUps(b, log, customers, perAccount)
	open := func(b *testing.B) (rebuildable, error) {
		return readpostgres.Open(context.Background(), url, readpostgres.WithSchema(pgtest.Schema(b, url)))
	}
	for _, p := range []projections.Projector{ledger.Projector, accounts.Projector} {
		b.Run(p.Name(), func(b *testing.B) {
			replayInto(b, open, log, p, customers*perAccount, fmt.Sprintf("%d accounts × %d top-ups, from PostgreSQL", customers, perAccount))
		})
	}
}

func replayInto(b *testing.B, open func(*testing.B) (rebuildable, error), log projections.Log, p projections.Projector, events int, what string) {
	for b.Loop() {
		b.StopTimer()
		reads, err := open(b)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if err := projections.Rebuild(context.Background(), log, reads, p, nil); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		reads.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(events*b.N)/b.Elapsed().Seconds(), "events/s")
	b.Logf("work: replay of %d events (%s) into %s", events, what, p.Name())
}
