package readpostgres

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/chance-video/chance/domain/money"
	"github.com/chance-video/chance/infra/readstore/searchtext"
	"github.com/chance-video/chance/readmodel/catalogue"
)

// shortWord is the length below which a word is matched as a substring of the texts
// (as the SQLite store does): the full-text index drops most such words as stop words,
// and trigrams need three letters.
const shortWord = 3

// rankWindow bounds the matches ranked by relevance: the rankWindow newest matches are
// ordered by ts_rank, any further ones follow, newest first. ts_rank reads each match's
// vector; over every match of a broad word (a quarter of 100,000 premieres) that costs
// ~80 ms, for an order nobody reads hundreds of results deep into. The count stays exact.
const rankWindow = 200

// Typo matching (see resolveWords) follows searchtext: TypoThreshold and TypoWords.
const (
	typoThreshold = searchtext.TypoThreshold
	typoWords     = searchtext.TypoWords
)

// searchWord is a word of the query text.
type searchWord struct {
	text string // normalised
	// query is the word's tsquery (its Russian stem as a prefix: 'маузер':*, or the
	// stems of the words it is a typo of), set by resolveWords; "" for a word matched as
	// a substring (too short, or a stop word, which the russian configuration drops).
	query string
}

// searchPlan is a search before its SQL: what to match, filter, order and page.
type searchPlan struct {
	words       []searchWord
	actor       string // normalised; "" for no actor filter
	minPrice    money.Kopecks
	maxPrice    money.Kopecks
	minDiscount int
	sort        string
	limit       int
	offset      int
}

// planSearch turns a query into a plan; an unknown sort order is an error.
func planSearch(q catalogue.SearchQuery) (searchPlan, error) {
	pl := searchPlan{
		actor: searchtext.Normalize(strings.TrimSpace(q.Actor)), minPrice: q.MinPrice, maxPrice: q.MaxPrice,
		minDiscount: q.MinDiscount, sort: q.Sort,
	}
	for _, w := range searchtext.Words(q.Text) {
		pl.words = append(pl.words, searchWord{text: searchtext.Normalize(w)})
	}
	switch q.Sort {
	case "", catalogue.SortRelevance, catalogue.SortNewest, catalogue.SortPriceAsc, catalogue.SortPriceDesc,
		catalogue.SortDiscount, catalogue.SortTitle:
	default:
		return pl, fmt.Errorf("search: unknown sort order %q", q.Sort)
	}
	pl.limit, pl.offset = q.Window()
	return pl, nil
}

// indexable lists the words long enough for the full-text and trigram indexes.
func (pl searchPlan) indexable() []string {
	var out []string
	for _, w := range pl.words {
		if utf8.RuneCountInString(w.text) >= shortWord {
			out = append(out, w.text)
		}
	}
	return out
}

// textIndexed says whether a text index narrows the matches: a word found through the
// full-text index, or an actor filter through the trigram index.
func (pl searchPlan) textIndexed() bool {
	return pl.rankQuery() != "" || utf8.RuneCountInString(pl.actor) >= shortWord
}

// ranked says whether the page is ordered by relevance: the default order, when some
// word is matched through the full-text index.
func (pl searchPlan) ranked() bool {
	return (pl.sort == "" || pl.sort == catalogue.SortRelevance) && pl.rankQuery() != ""
}

// rankQuery is what ts_rank scores against: any of the indexed words.
func (pl searchPlan) rankQuery() string {
	var qs []string
	for _, w := range pl.words {
		if w.query != "" {
			qs = append(qs, w.query)
		}
	}
	return strings.Join(qs, " | ")
}

// Every order ends with a tie-break, so that pages never overlap or skip a row, and
// follows an index of the catalogue layout (catalogue.go).
const newest = `p.published_at DESC NULLS LAST, p.id`

func (pl searchPlan) orderBy() string {
	switch pl.sort {
	case catalogue.SortPriceAsc:
		return `p.price, p.id`
	case catalogue.SortPriceDesc:
		return `p.price DESC, p.id DESC`
	case catalogue.SortDiscount:
		return `p.discount_percent DESC, p.price, p.id`
	case catalogue.SortTitle:
		return `p.title_norm COLLATE "C", p.id`
	default:
		return newest
	}
}

// searchSQL accumulates a statement's arguments.
type searchSQL struct{ args []any }

func (s *searchSQL) arg(v any) string {
	s.args = append(s.args, v)
	return "$" + strconv.Itoa(len(s.args))
}

// trigramText is the expression the trigram index covers (the catalogue layout, catalogue.go).
const trigramText = `(p.title_norm || E'\n' || p.actors_norm)`

// from returns the FROM and WHERE clauses of the matches. The words found by the index
// are ANDed into one tsquery, so that one index scan finds them all.
func (pl searchPlan) from(s *searchSQL) string {
	var (
		conds     = []string{`p.on_sale`}
		indexed   []string
		withCards bool
	)
	for _, w := range pl.words {
		if w.query != "" {
			indexed = append(indexed, w.query)
			continue
		}
		withCards = true
		t := s.arg(w.text)
		conds = append(conds, `(strpos(p.title_norm, `+t+`) > 0 OR strpos(p.actors_norm, `+t+`) > 0 OR strpos(c.description_norm, `+t+`) > 0)`)
	}
	if len(indexed) > 0 {
		conds = append(conds, `p.tsv @@ `+s.arg(strings.Join(indexed, " & "))+`::tsquery`)
	}
	if pl.actor != "" {
		if utf8.RuneCountInString(pl.actor) >= shortWord {
			// Implied by the strpos below, but the trigram index can answer it.
			conds = append(conds, trigramText+` LIKE `+s.arg(likePattern(pl.actor)))
		}
		conds = append(conds, `strpos(p.actors_norm, `+s.arg(pl.actor)+`) > 0`)
	}
	if pl.minPrice > 0 {
		conds = append(conds, `p.price >= `+s.arg(int64(pl.minPrice)))
	}
	if pl.maxPrice > 0 {
		conds = append(conds, `p.price <= `+s.arg(int64(pl.maxPrice)))
	}
	if pl.minDiscount > 0 {
		conds = append(conds, `p.discount_percent >= `+s.arg(pl.minDiscount))
	}
	from := `{s}.premieres p`
	if withCards {
		from += ` JOIN {s}.premiere_cards c ON c.id = p.id`
	}
	return ` FROM ` + from + ` WHERE ` + strings.Join(conds, ` AND `)
}

// countSQL counts the matches, up to one past catalogue.CountBound: beyond it, the count
// would visit every match of a broad word for a number nobody needs exactly.
func (pl searchPlan) countSQL() (string, []any) {
	var s searchSQL
	from := pl.from(&s)
	return `SELECT count(*) FROM (SELECT 1` + from + ` LIMIT ` + s.arg(catalogue.CountBound+1) + `) m`, s.args
}

// matches is the subquery of the matches with what the orders need, as p. Unless walked
// (see Store.search), it is fenced (OFFSET 0) so that the planner gathers the matches
// through the text index and sorts them, rather than walking an order's index.
func (pl searchPlan) matches(s *searchSQL, walked bool) string {
	if walked {
		return `SELECT p.id, p.tsv, p.published_at, p.price, p.discount_percent, p.title_norm` + pl.from(s)
	}
	return `SELECT * FROM (SELECT p.id, p.tsv, p.published_at, p.price, p.discount_percent, p.title_norm` +
		pl.from(s) + ` OFFSET 0) f`
}

// orderedSQL is the page rows [offset, offset+limit) of the matches in the plan's order
// (or, when ranked, newest first: the tail after the rank window).
func (pl searchPlan) orderedSQL(offset, limit int, walked bool) (string, []any) {
	var s searchSQL
	order := pl.orderBy()
	if pl.ranked() {
		order = newest
	}
	return `SELECT ` + premiereColumns + ` FROM (SELECT p.id FROM (` + pl.matches(&s, walked) + `) p ORDER BY ` + order +
		` LIMIT ` + s.arg(limit) + ` OFFSET ` + s.arg(offset) + `) m
		JOIN {s}.premieres p ON p.id = m.id JOIN {s}.premiere_cards c ON c.id = m.id
		ORDER BY ` + order, s.args
}

// rankedSQL is the page rows [offset, offset+limit) of the rankWindow newest matches
// ordered by relevance.
func (pl searchPlan) rankedSQL(offset, limit int, walked bool) (string, []any) {
	var s searchSQL
	window := `SELECT p.id, p.tsv, p.published_at FROM (` + pl.matches(&s, walked) + `) p ORDER BY ` + newest +
		` LIMIT ` + strconv.Itoa(rankWindow)
	rank := `ts_rank(w.tsv, ` + s.arg(pl.rankQuery()) + `::tsquery)`
	return `SELECT ` + premiereColumns + ` FROM (
			SELECT w.id, w.published_at, ` + rank + ` AS rank FROM (` + window + `) w
			ORDER BY rank DESC, w.published_at DESC NULLS LAST, w.id LIMIT ` + s.arg(limit) + ` OFFSET ` + s.arg(offset) + `
		) r JOIN {s}.premieres p ON p.id = r.id JOIN {s}.premiere_cards c ON c.id = r.id
		ORDER BY r.rank DESC, r.published_at DESC NULLS LAST, r.id`, s.args
}
