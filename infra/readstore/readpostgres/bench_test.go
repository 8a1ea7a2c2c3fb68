package readpostgres

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/chance-video/chance/domain/money"
	"github.com/chance-video/chance/infra/readstore/readstoretest"
	"github.com/chance-video/chance/projections"
	"github.com/chance-video/chance/readmodel"
	"github.com/chance-video/chance/readmodel/accounts"
	"github.com/chance-video/chance/readmodel/catalogue"
)

// Run with, for example:
//
//	CHANCE_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test?sslmode=disable \
//	  go test -run '^$' -bench . -benchtime 1x ./infra/readstore/readpostgres/

// updateEvents is the work of BenchmarkUpdate, and updateBatch the events per Update of
// its batched half (what the runner passes during catch-up).
const (
	updateEvents = 20_000
	updateBatch  = 500
)

// accountEvent is what the accounts projector writes for one money event: the balance
// after it and the payment.
type accountEvent struct {
	balance accounts.Payment // UserID and Amount: the balance after the event
	payment accounts.Payment
}

func accountEvents(n int) []accountEvent {
	rng := rand.New(rand.NewPCG(3, 4))
	users := make([]uuid.UUID, 1_000)
	for i := range users {
		users[i] = uuid.New()
	}
	balances := map[uuid.UUID]money.Kopecks{}
	at := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	out := make([]accountEvent, n)
	for i := range out {
		user := users[rng.IntN(len(users))]
		amount := money.Kopecks(100 + rng.IntN(100_000))
		kind := readmodel.KindTopUp
		if balances[user] >= amount && rng.IntN(2) == 0 {
			kind, balances[user] = readmodel.KindWithdrawal, balances[user]-amount
		} else {
			balances[user] += amount
		}
		out[i] = accountEvent{
			balance: accounts.Payment{UserID: user, Amount: balances[user]},
			payment: accounts.Payment{ID: uuid.New(), UserID: user, Kind: kind, Purpose: "rental", Amount: amount,
				Status: readmodel.PaymentSucceeded, PremiereID: uuid.New(), RentalID: uuid.New(), CreatedAt: at.Add(time.Duration(i) * time.Second)},
		}
	}
	return out
}

// applyEvents writes events into a fresh generation of accounts_v2, batch events per
// Update, and returns how long the Updates took. The generation is discarded after.
func applyEvents(b *testing.B, s *Store, events []accountEvent, batch int) time.Duration {
	ctx := context.Background()
	sh, err := s.Shadow(ctx, accounts.Name)
	if err != nil {
		b.Fatal(err)
	}
	defer sh.Discard(ctx) //nolint:errcheck // the next Shadow drops a leftover
	start := time.Now()
	for i := 0; i < len(events); i += batch {
		part := events[i:min(i+batch, len(events))]
		err := projections.Update(ctx, sh, accounts.Name, pos(uint64(i+len(part))), func(tx accounts.Writes) error {
			for _, e := range part {
				if err := tx.PutBalance(ctx, e.balance.UserID, e.balance.Amount); err != nil {
					return err
				}
				if err := tx.PutPayment(ctx, e.payment); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	return time.Since(start)
}

// BenchmarkUpdate applies the same 20,000 account events (a balance and a payment each)
// through Update in batches of 500 and one event per Update, each into an empty
// generation, and reports the events per second of both and their ratio.
func BenchmarkUpdate(b *testing.B) {
	url := testURL(b)
	s := openIn(b, url, testSchema(b, url))
	events := accountEvents(updateEvents)
	var batched, single time.Duration
	rounds := 0
	for b.Loop() {
		batched += applyEvents(b, s, events, updateBatch)
		single += applyEvents(b, s, events, 1)
		rounds++
	}
	work := float64(updateEvents * rounds)
	b.ReportMetric(work/batched.Seconds(), "batched-events/s")
	b.ReportMetric(work/single.Seconds(), "per-event-events/s")
	b.ReportMetric(single.Seconds()/batched.Seconds(), "ratio")
	b.Logf("%d events (a balance and a payment each, 1,000 customers) × %d round(s): batches of %d in %v, one per Update in %v",
		updateEvents, rounds, updateBatch, batched.Round(time.Millisecond), single.Round(time.Millisecond))
}

// benchPremieres is the catalogue size the search benchmark runs on.
const benchPremieres = 100_000

// BenchmarkSearch measures search latency on 100,000 generated premieres for each
// readstoretest.SearchShapes through the indexes, and, for comparison, a plain
// ILIKE '%…%' scan of the same texts. Each sub-benchmark reports p50 and p95 of its calls
// and prints them beside the 5 ms target.
func BenchmarkSearch(b *testing.B) {
	url := testURL(b)
	s := openIn(b, url, testSchema(b, url))
	ctx := context.Background()
	started := time.Now()
	rng := rand.New(rand.NewPCG(1, 2))
	const perUpdate = 1_000
	for i := 0; i < benchPremieres; i += perUpdate {
		batch := make([]catalogue.Premiere, perUpdate)
		for j := range batch {
			batch[j] = readstoretest.GeneratedPremiere(rng, i+j, benchPremieres)
		}
		put(b, s, uint64(i+perUpdate), batch...)
	}
	loaded := time.Since(started)
	g, release, err := s.projections[catalogue.Name].Acquire()
	if err != nil {
		b.Fatal(err)
	}
	defer release()
	// Autovacuum would analyse the new rows within a minute; the benchmark does not wait.
	for _, table := range []string{"premieres", "premiere_cards", "premiere_words"} {
		if _, err := s.pool.Exec(ctx, g.sql(`VACUUM ANALYZE {s}.`+table)); err != nil {
			b.Fatal(err)
		}
	}
	var size string
	if err := s.pool.QueryRow(ctx, g.sql(`SELECT pg_size_pretty(pg_total_relation_size('{s}.premieres')) || ' search table, ' ||
		pg_size_pretty(pg_total_relation_size('{s}.premiere_cards')) || ' cards'`)).Scan(&size); err != nil {
		b.Fatal(err)
	}
	// A parent benchmark's log is not printed: each sub-benchmark repeats the work size.
	work := fmt.Sprintf("%d premieres, written in %d Updates in %v; %s", benchPremieres, benchPremieres/perUpdate,
		loaded.Round(time.Millisecond), size)

	benchSearchShapes(b, s, work)
	for _, c := range []struct{ name, term string }{{"ilike/rare", "маузер"}, {"ilike/common", "театр"}} {
		b.Run(c.name, func(b *testing.B) {
			var total int
			readstoretest.MeasureLatency(b, func() (err error) {
				total, err = ilikeSearch(ctx, s, g, c.term)
				return err
			})
			b.Logf("%s: %q: %d matches; catalogue %s", c.name, c.term, total, work)
		})
	}
}

func benchSearchShapes(b *testing.B, s *Store, work string) {
	for _, c := range readstoretest.SearchShapes {
		b.Run("fts/"+c.Name, func(b *testing.B) {
			var res catalogue.SearchResult
			p50, p95 := readstoretest.MeasureLatency(b, func() (err error) {
				res, err = s.Search(context.Background(), c.Q)
				return err
			})
			b.Logf("%s: %s; %s; catalogue %s", c.Name, readstoretest.AgainstTarget(p50, p95), c.Describe(res), work)
		})
	}
}

// ilikeSearch is the search without an index: a count and the newest page, by ILIKE.
func ilikeSearch(ctx context.Context, s *Store, g *generation, term string) (int, error) {
	pattern := likePattern(term)
	where := premiereFrom + ` WHERE p.on_sale AND (c.title ILIKE $1 OR c.actors::text ILIKE $1 OR c.description ILIKE $1)`
	var total int
	if err := s.pool.QueryRow(ctx, g.sql(`SELECT count(*)`+where), pattern).Scan(&total); err != nil {
		return 0, err
	}
	rows, err := s.pool.Query(ctx, g.sql(`SELECT `+premiereColumns+where+` ORDER BY `+newest+` LIMIT 20`), pattern)
	if err != nil {
		return 0, err
	}
	_, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (catalogue.Premiere, error) { return scanPremiere(r) })
	return total, err
}
