package readstoretest

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain/money"
	"github.com/chance-video/chance/domain/pricing"
	"github.com/chance-video/chance/readmodel/catalogue"
)

// MeasureLatency runs call b.N times, reports the median and 95th percentile latency and
// returns them, in milliseconds.
func MeasureLatency(b *testing.B, call func() error) (p50, p95 float64) {
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
	p50, p95 = pct(0.50), pct(0.95)
	b.ReportMetric(p50, "p50-ms")
	b.ReportMetric(p95, "p95-ms")
	return p50, p95
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
	var sb strings.Builder
	for range 2 + rng.IntN(3) {
		sb.WriteString(benchSyllables[rng.IntN(len(benchSyllables))])
	}
	return sb.String()
}

// GeneratedPremiere is premiere i of a generated catalogue of n premieres, for the
// search benchmarks of every read store: a quarter mention the theatre in their
// description, a dozen mention Маузер, one in twenty is withdrawn.
func GeneratedPremiere(rng *rand.Rand, i, n int) catalogue.Premiere {
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
	if i%(max(n/12, 1)) == 0 { // a dozen mention Маузер, in title or description
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
	return catalogue.Premiere{
		ID: uuid.New(), Title: strings.ToUpper(title[0][:2]) + strings.Join(title, " ")[2:], Actors: actors,
		Description: strings.Join(desc, " ") + ".", TheaterPrice: money.Kopecks(100_000 + rng.IntN(900_000)),
		Terms: pricing.Terms{
			OnlinePrice: money.Kopecks(10_000 + rng.IntN(90_000)), StandardHours: []int{24, 48, 72}[rng.IntN(3)],
			DiscountPercent: []int{0, 0, 0, 10, 20, 30, 50}[rng.IntN(7)],
		},
		OnSale: rng.IntN(20) != 0, PublishedAt: published, UpdatedAt: published,
	}
}
