package sqlite

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain/money"
	"github.com/chance-video/chance/domain/pricing"
	"github.com/chance-video/chance/eventlog"
	"github.com/chance-video/chance/infra/readstore/searchtext"
	"github.com/chance-video/chance/projections"
	"github.com/chance-video/chance/readmodel"
)

// benchPremieres is the catalogue size the search benchmark runs on.
const benchPremieres = 100_000

// Terms of the benchmark: a rare one (a dozen premieres, in several word forms) and a
// common one (about a quarter of the catalogue).
const (
	rareTerm   = "Маузера"
	commonTerm = "театре"
)

// BenchmarkSearch measures search latency on 100,000 generated premieres, through the
// FTS5 trigram index and, for comparison, through a plain LIKE '%…%' scan of the same
// normalised columns. Each sub-benchmark reports p50 and p95 of its calls.
func BenchmarkSearch(b *testing.B) {
	dir := b.TempDir()
	s, err := Open(dir)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	started := time.Now()
	if err := s.Update(context.Background(), Catalogue, eventlog.Position{Commit: 1, Prepare: 1}, func(tx projections.Tx) error {
		rng := rand.New(rand.NewPCG(1, 2))
		for i := range benchPremieres {
			if err := tx.PutPremiere(context.Background(), benchPremiere(rng, i)); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		b.Fatal(err)
	}
	// A parent benchmark's log is not printed: each sub-benchmark repeats the work size.
	work := fmt.Sprintf("%d premieres, written in one Update in %v, file %s", benchPremieres,
		time.Since(started).Round(time.Millisecond), fileSize(dir, generationFile(Catalogue, 1)))

	for _, c := range []struct {
		name string
		q    readmodel.SearchQuery
	}{
		{"fts/rare", readmodel.SearchQuery{Text: rareTerm}},
		{"fts/common", readmodel.SearchQuery{Text: commonTerm}},
		{"fts/common_newest", readmodel.SearchQuery{Text: commonTerm, Sort: readmodel.SortNewest}},
		{"fts/common_price_filter", readmodel.SearchQuery{Text: commonTerm, MinPrice: 20_000, MaxPrice: 40_000, Sort: readmodel.SortPriceAsc}},
		{"fts/two_words", readmodel.SearchQuery{Text: commonTerm + " " + rareTerm}},
		{"filters_only", readmodel.SearchQuery{MinDiscount: 30, Sort: readmodel.SortPriceAsc}},
	} {
		b.Run(c.name, func(b *testing.B) {
			var total int
			measure(b, func() error {
				res, err := s.Search(context.Background(), c.q)
				total = res.Total
				return err
			})
			b.Logf("%s: text %q actor %q price %d..%d discount ≥%d sort %q: %d matches; catalogue %s",
				c.name, c.q.Text, c.q.Actor, c.q.MinPrice, c.q.MaxPrice, c.q.MinDiscount, c.q.Sort, total, work)
		})
	}
	for _, c := range []struct{ name, term string }{{"like/rare", rareTerm}, {"like/common", commonTerm}} {
		b.Run(c.name, func(b *testing.B) {
			var total int
			measure(b, func() (err error) {
				total, err = likeSearch(s, stem(searchtext.Normalize(c.term)))
				return err
			})
			b.Logf("%s: %q: %d matches; catalogue %s", c.name, c.term, total, work)
		})
	}
}

// likeSearch is the search without the index: a count and the newest page, by LIKE.
func likeSearch(s *Store, term string) (int, error) {
	g, release, err := s.serving(Catalogue)
	if err != nil {
		return 0, err
	}
	defer release()
	pattern := "%" + term + "%"
	const where = premiereFrom + ` WHERE p.on_sale = 1 AND (p.title_norm LIKE ?1 OR t.actors_norm LIKE ?1 OR t.description_norm LIKE ?1)`
	var total int
	if err := g.read.QueryRow(`SELECT count(*)`+where, pattern).Scan(&total); err != nil {
		return 0, err
	}
	rows, err := g.read.Query(`SELECT `+premiereColumns+where+` ORDER BY p.published_at DESC, p.id LIMIT 20`, pattern)
	if err != nil {
		return 0, err
	}
	_, err = appendPremieres(nil, rows)
	return total, err
}

// measure runs call b.N times and reports the median and 95th percentile latency.
func measure(b *testing.B, call func() error) {
	var latencies []time.Duration
	for b.Loop() {
		start := time.Now()
		if err := call(); err != nil {
			b.Fatal(err)
		}
		latencies = append(latencies, time.Since(start))
	}
	slices.Sort(latencies)
	pct := func(p float64) float64 {
		return float64(latencies[int(p*float64(len(latencies)-1))].Microseconds()) / 1000
	}
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.95), "p95-ms")
}

var (
	benchSyllables = strings.Fields("ба ве ги до жу за ка ли мо ну по ра со ту фе ха це чи ша щу эр ю ян ол ар ин ек ус")
	benchFirst     = strings.Fields("Анна Борис Вера Глеб Дарья Егор Жанна Зоя Игорь Кира Лев Мария Никита Ольга Павел Роман Софья Тимур Ульяна Фёдор")
	benchLast      = strings.Fields("Иванов Смирнова Кузнецов Попова Васильев Петрова Соколов Михайлова Новиков Фёдорова Морозов Волкова Алексеев Лебедева Семёнов Егорова")
	benchMauser    = strings.Fields("Маузер Маузера Маузеру Маузером")
	benchTheatre   = strings.Fields("театр театра театре театром")
)

// benchWord is a pseudo-word of 2 to 4 syllables: a vocabulary of some 800,000 words, so
// that most words are rare, as names and places are in real descriptions.
func benchWord(rng *rand.Rand) string {
	var b strings.Builder
	for range 2 + rng.IntN(3) {
		b.WriteString(benchSyllables[rng.IntN(len(benchSyllables))])
	}
	return b.String()
}

func benchPremiere(rng *rand.Rand, i int) readmodel.Premiere {
	title := make([]string, 1+rng.IntN(3))
	for j := range title {
		title[j] = benchWord(rng)
	}
	desc := make([]string, 25+rng.IntN(15))
	for j := range desc {
		desc[j] = benchWord(rng)
	}
	if rng.IntN(4) == 0 { // a quarter mention the theatre
		desc[rng.IntN(len(desc))] = benchTheatre[rng.IntN(len(benchTheatre))]
	}
	if i%(benchPremieres/12) == 0 { // a dozen mention Маузер, in title or description
		if i%2 == 0 {
			title[0] = benchMauser[rng.IntN(len(benchMauser))]
		} else {
			desc[0] = benchMauser[rng.IntN(len(benchMauser))]
		}
	}
	actors := make([]string, 2+rng.IntN(3))
	for j := range actors {
		actors[j] = benchFirst[rng.IntN(len(benchFirst))] + " " + benchLast[rng.IntN(len(benchLast))]
	}
	published := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Hour)
	return readmodel.Premiere{
		ID: uuid.New(), Title: strings.ToUpper(title[0][:2]) + strings.Join(title, " ")[2:], Actors: actors,
		Description: strings.Join(desc, " ") + ".", TheaterPrice: money.Kopecks(100_000 + rng.IntN(900_000)),
		Terms: pricing.Terms{
			OnlinePrice: money.Kopecks(10_000 + rng.IntN(90_000)), StandardHours: []int{24, 48, 72}[rng.IntN(3)],
			DiscountPercent: []int{0, 0, 0, 10, 20, 30, 50}[rng.IntN(7)],
		},
		OnSale: rng.IntN(20) != 0, PublishedAt: published, UpdatedAt: published,
	}
}

func fileSize(dir, name string) string {
	info, err := os.Stat(filepath.Join(dir, name))
	if err != nil {
		return err.Error()
	}
	return fmt.Sprintf("%.1f MiB", float64(info.Size())/(1<<20))
}
