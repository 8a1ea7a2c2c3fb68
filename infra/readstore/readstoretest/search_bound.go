package readstoretest

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/chance-video/chance/domain/money"
	"github.com/chance-video/chance/readmodel/catalogue"
)

// testSearchCountBound: a search counts exactly up to catalogue.CountBound and says
// "more" beyond it, while its pages stay complete and in order.
func testSearchCountBound(t *testing.T, open func(t *testing.T) Store) {
	s := open(t)
	const n = catalogue.CountBound + 5
	cabaret := make([]catalogue.Premiere, n) // oldest first; prices 10 000, 10 010, …
	for i := range cabaret {
		cabaret[i] = premiere(fmt.Sprintf("Номер %d", i), []string{"Анна Белова"}, "Вечер в кабаре.",
			money.Kopecks(10_000+10*i), 24, 0, at.Add(time.Duration(i)*time.Minute))
	}
	putPremieres(t, s, 1, cabaret...)
	newest := slices.Clone(cabaret)
	slices.Reverse(newest)

	expectTotal := func(q catalogue.SearchQuery, total int, capped bool) catalogue.SearchResult {
		t.Helper()
		res := search(t, s, q)
		if res.Total != total || res.Capped != capped {
			t.Errorf("search %+v: total %d, capped %v; want %d, %v", q, res.Total, res.Capped, total, capped)
		}
		return res
	}
	for _, sort := range []string{catalogue.SortRelevance, catalogue.SortNewest, catalogue.SortPriceDesc} {
		res := expectTotal(catalogue.SearchQuery{Text: "кабаре", Sort: sort, Limit: 50}, catalogue.CountBound, true)
		if len(res.Items) != 50 {
			t.Errorf("sort %s: %d items, want 50", sort, len(res.Items))
		}
	}
	// A broad word sorted: the same pages as without text.
	expectOrder(t, s, catalogue.SearchQuery{Text: "кабаре", Sort: catalogue.SortNewest, Limit: 7}, newest[:7]...)
	expectOrder(t, s, catalogue.SearchQuery{Text: "кабаре", Sort: catalogue.SortNewest, Limit: 7, Page: 3}, newest[14:21]...)
	expectOrder(t, s, catalogue.SearchQuery{Text: "кабаре", Sort: catalogue.SortPriceAsc, MinPrice: 10_100, Limit: 3},
		cabaret[10:13]...)
	expectOrder(t, s, catalogue.SearchQuery{Actor: "Белова", Sort: catalogue.SortPriceDesc, Limit: 2}, newest[:2]...)
	expectOrder(t, s, catalogue.SearchQuery{Actor: "Белова", Limit: 2, Page: 2}, newest[2:4]...)
	// Without text too.
	expectOrder(t, s, catalogue.SearchQuery{Sort: catalogue.SortPriceDesc, MaxPrice: 10_040, Limit: 2}, cabaret[4], cabaret[3])
	expectOrder(t, s, catalogue.SearchQuery{Sort: catalogue.SortNewest, MaxPrice: 20_000, Limit: 2}, newest[4:6]...)
	// Pages past the bound are still served.
	res := expectTotal(catalogue.SearchQuery{Text: "кабаре", Sort: catalogue.SortNewest, Limit: 100, Page: 11}, catalogue.CountBound, true)
	if !slices.Equal(premiereIDs(res.Items), premiereIDs(newest[1000:])) {
		t.Errorf("page 11 of 100: %s, want the %d oldest", titles(res.Items), n-1000)
	}
	// Relevance pages neither overlap nor skip across the rank window.
	seen := map[string]bool{}
	for page := 1; page <= 4; page++ {
		for _, p := range search(t, s, catalogue.SearchQuery{Text: "кабаре", Limit: 100, Page: page}).Items {
			if seen[p.Title] {
				t.Errorf("relevance page %d repeats %s", page, p.Title)
			}
			seen[p.Title] = true
		}
	}
	if len(seen) != 400 {
		t.Errorf("4 relevance pages of 100 held %d premieres", len(seen))
	}
	// A premiere added first but published last still leads the newest.
	moved := cabaret[0]
	moved.PublishedAt = at.Add(time.Duration(2*n) * time.Minute)
	putPremieres(t, s, 2, moved)
	expectOrder(t, s, catalogue.SearchQuery{Text: "кабаре", Sort: catalogue.SortNewest, Limit: 3}, moved, newest[0], newest[1])

	// Exactly CountBound matches, and fewer, are counted exactly.
	expectTotal(catalogue.SearchQuery{Text: "кабаре", MaxPrice: money.Kopecks(10_000 + 10*(catalogue.CountBound-1))}, catalogue.CountBound, false)
	expectTotal(catalogue.SearchQuery{Text: "кабаре", MinPrice: money.Kopecks(10_000 + 10*(n-3))}, 3, false)
	expectTotal(catalogue.SearchQuery{}, catalogue.CountBound, true)
}
