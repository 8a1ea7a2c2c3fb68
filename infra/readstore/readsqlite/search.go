package readsqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/chance-video/chance/infra/readstore/searchtext"
	"github.com/chance-video/chance/readmodel/catalogue"
)

// trigram is the shortest string the trigram index can find; shorter words are matched
// with instr() on the rows the other conditions leave.
const trigram = 3

// rankWindow bounds the matches ranked by relevance: the rankWindow matches added last
// are ordered by bm25, any further ones follow, added last first. bm25 costs some 10 µs
// a match (it reads each match's positions and length): ranking every match of a broad
// word (a quarter of 100,000 premieres) took hundreds of milliseconds, a window of 1,000
// ~10 ms, for an order nobody reads hundreds of results deep into. PostgreSQL ranks the
// same window.
const rankWindow = 200

// relevance weighs a match in the title above one in the actors, above the description.
const relevance = `bm25(premiere_text, 10.0, 5.0, 1.0)`

// searchPlan is a search as SQL: what to match, what to filter, how to order and page.
type searchPlan struct {
	match  string   // FTS5 query, all phrases required; "" for none
	words  string   // the part of match for the words of the text; "" for none
	actor  string   // the actor filter, normalised, when match holds it; "" for none
	terms  []string // the words of the text the index searches, as their stems
	facets []string // conditions on premieres p
	texts  []string // conditions on premiere_texts t (and p): words too short for the index
	args   []any    // for facets, then texts
	ranked bool     // order by relevance within rankWindow
	newest bool     // order by publication, newest first
	// walk: the facets that do not lead the order's index, as conditions SQLite cannot
	// use an index for (a unary +), so that a page of many matches walks the order's
	// index rather than gathering a facet's matches and sorting them.
	walk    []string
	orderBy string // otherwise
	limit   int
	offset  int
}

// Search finds premieres on sale. Every word of q.Text must be found in the title, the
// actors or the description, as its Russian stem (any form of the word) or, for other
// words, as typed; case and ё/е do not matter, and a part of a word (3 letters or more)
// matches too. When nothing matches, a word found nowhere is taken for a typo of a word
// of a title or an actor's name (searchTypos).
//
// The count (exact up to catalogue.CountBound) and the page's ids are read in one read
// transaction, so Total and Items agree, then the page's rows by id. SQLite sorts inside
// the query and keeps only the page (a bounded top-N sort; for a broad word newest
// first, the matches added last: newestPage): no query brings its matches into Go.
func (s *Store) Search(ctx context.Context, q catalogue.SearchQuery) (catalogue.SearchResult, error) {
	pl, err := planSearch(q, nil)
	if err != nil {
		return catalogue.SearchResult{}, err
	}
	g, release, err := s.serving(catalogue.Name)
	if err != nil {
		return catalogue.SearchResult{}, err
	}
	defer release()

	rtx, err := g.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return catalogue.SearchResult{}, fmt.Errorf("search: %w", err)
	}
	defer rtx.Rollback() //nolint:errcheck // read only
	res, err := pl.run(ctx, rtx)
	if err == nil && res.Total == 0 && len(pl.terms) > 0 {
		res, err = searchTypos(ctx, rtx, q, pl)
	}
	if err != nil {
		return catalogue.SearchResult{}, fmt.Errorf("search %q: %w", q.Text, err)
	}
	return res, nil
}

// searchTypos searches again when a search found nothing, taking each word the index
// finds nowhere for a typo (searchtext.TypoThreshold): it is replaced by the stems of
// titles and actors most similar to it, any of which may match (Мауззер → маузер).
// Only a search that found nothing pays for this; a word found somewhere is never
// replaced, so correct words are not diluted by similar ones.
func searchTypos(ctx context.Context, rtx *sql.Tx, q catalogue.SearchQuery, pl searchPlan) (catalogue.SearchResult, error) {
	alternatives := map[string][]string{}
	for _, term := range pl.terms {
		var one int
		err := rtx.QueryRowContext(ctx, `SELECT 1 FROM premiere_text WHERE premiere_text MATCH ? LIMIT 1`, phrase(term)).Scan(&one)
		if err == nil {
			continue // found as it is
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return catalogue.SearchResult{}, fmt.Errorf("find %q: %w", term, err)
		}
		similar, err := similarWords(ctx, rtx, term)
		if err != nil {
			return catalogue.SearchResult{}, err
		}
		if len(similar) > 0 {
			alternatives[term] = similar
		}
	}
	if len(alternatives) == 0 {
		return catalogue.SearchResult{}, nil
	}
	typos, err := planSearch(q, alternatives)
	if err != nil {
		return catalogue.SearchResult{}, err
	}
	return typos.run(ctx, rtx)
}

func (pl searchPlan) run(ctx context.Context, rtx *sql.Tx) (catalogue.SearchResult, error) {
	var res catalogue.SearchResult
	from, args := pl.from()
	err := rtx.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 `+from+` LIMIT ?)`, with(args, catalogue.CountBound+1)...).Scan(&res.Total)
	if err != nil {
		return res, fmt.Errorf("count: %w", err)
	}
	if res.Total > catalogue.CountBound {
		res.Total, res.Capped = catalogue.CountBound, true
	}
	if !res.Capped && res.Total <= pl.offset {
		return res, nil
	}
	var (
		page  []int64
		found bool
	)
	if pl.newest && pl.match != "" && res.Capped {
		if page, found, err = pl.newestPage(ctx, rtx); err != nil {
			return res, err
		}
	}
	switch {
	case found:
	case pl.ranked:
		page, err = pl.rankedPage(ctx, rtx, res)
	case res.Capped:
		page, err = pl.walkPage(ctx, rtx)
	default:
		page, err = seqs(ctx, rtx, `SELECT `+pl.seq()+` `+from+` ORDER BY `+pl.orderBy+` LIMIT ? OFFSET ?`, with(args, pl.limit, pl.offset)...)
	}
	if err != nil {
		return res, err
	}
	res.Items, err = premieresBySeq(ctx, rtx, page)
	return res, err
}

// probeRows bounds the rows of an order's index a walk probes the text index for, one
// by one (~30 µs each, a few hundred for the first pages of a word in a quarter of the
// catalogue); past it, gathering every match once is cheaper (~10 ms for 24,000).
const probeRows = 256

// walkPage is the page of a search with more than catalogue.CountBound matches in an
// order of the premieres' own (price, discount, title, newest): it walks that order's
// index and keeps the rows that pass the filters and match the text, stopping at the
// page's end, where sorting would visit every match (a broad word sorted by price took
// ~25 ms). The actor filter is checked on the row's own text (instr, as the index's
// trigrams would match it), the cheap conditions first. The words are checked one row
// at a time against the text index while the page fills within probeRows rows of the
// walk; otherwise their matches are gathered once, by rowid, into a set the walk looks
// rows up in (the unary + keeps SQLite from driving the query from that set and sorting).
func (pl searchPlan) walkPage(ctx context.Context, rtx *sql.Tx) ([]int64, error) {
	walking := pl
	walking.facets, walking.match = pl.walk, ""
	if pl.match == "" {
		from, args := walking.from()
		return seqs(ctx, rtx, `SELECT p.seq `+from+` ORDER BY `+pl.orderBy+` LIMIT ? OFFSET ?`, with(args, pl.limit, pl.offset)...)
	}
	if pl.offset+pl.limit <= probeRows/2 {
		probing := walking
		if pl.actor != "" {
			probing.texts = append(slices.Clone(pl.texts), `instr(t.actors_norm, ?) > 0`)
			probing.args = with(pl.args, pl.actor)
		}
		from, args := probing.from()
		query := `SELECT p.seq FROM (SELECT p.seq, p.id, p.price, p.discount_percent, p.title_norm, p.published_at ` + from +
			` ORDER BY ` + pl.orderBy + ` LIMIT ?) AS p`
		args = with(args, probeRows)
		if pl.words != "" {
			query += ` WHERE EXISTS (SELECT 1 FROM premiere_text WHERE premiere_text MATCH ? AND premiere_text.rowid = p.seq)`
			args = with(args, pl.words)
		}
		page, err := seqs(ctx, rtx, query+` ORDER BY `+pl.orderBy+` LIMIT ? OFFSET ?`, with(args, pl.limit, pl.offset)...)
		if err != nil || len(page) == pl.limit {
			return page, err
		}
	}
	from, args := walking.from()
	return seqs(ctx, rtx, `SELECT p.seq `+from+` AND +p.seq IN (SELECT rowid FROM premiere_text WHERE premiere_text MATCH ?) ORDER BY `+
		pl.orderBy+` LIMIT ? OFFSET ?`, with(args, pl.match, pl.limit, pl.offset)...)
}

// rankedPage orders the rankWindow matches added last by bm25 and the rest after them,
// added last first. The index delivers matches by rowid in either direction and seeks
// rowid ranges, so neither part visits more than its share of the matches.
func (pl searchPlan) rankedPage(ctx context.Context, rtx *sql.Tx, counted catalogue.SearchResult) ([]int64, error) {
	from, args := pl.from()
	seq := pl.seq()
	ranked, cutoff := counted.Total, int64(0)
	rest := counted.Capped
	if counted.Capped || counted.Total > rankWindow {
		ranked, rest = rankWindow, true
		err := rtx.QueryRowContext(ctx, `SELECT `+seq+` `+from+` ORDER BY `+seq+` DESC LIMIT 1 OFFSET ?`,
			with(args, rankWindow-1)...).Scan(&cutoff)
		if err != nil {
			return nil, fmt.Errorf("rank window: %w", err)
		}
	}
	var page []int64
	if pl.offset < ranked {
		top, err := seqs(ctx, rtx, `SELECT `+seq+` `+from+` AND `+seq+` >= ? ORDER BY `+relevance+`, `+seq+` DESC LIMIT ? OFFSET ?`,
			with(args, cutoff, pl.limit, pl.offset)...)
		if err != nil {
			return nil, err
		}
		page = top
	}
	if more := pl.limit - len(page); more > 0 && rest {
		tail, err := seqs(ctx, rtx, `SELECT `+seq+` `+from+` AND `+seq+` < ? ORDER BY `+seq+` DESC LIMIT ? OFFSET ?`,
			with(args, cutoff, more, max(pl.offset-ranked, 0))...)
		if err != nil {
			return nil, err
		}
		page = append(page, tail...)
	}
	return page, nil
}

// seq is the premiere's rowid in the query.
func (pl searchPlan) seq() string {
	if pl.match != "" {
		return `premiere_text.rowid`
	}
	return `p.seq`
}

// from is the FROM and WHERE clauses, with their arguments. A text search starts from
// the index, which holds only premieres on sale, and joins the tables only when a filter
// or the order needs them; CROSS JOIN keeps the index as the outer loop (without
// statistics SQLite may otherwise walk a price range and probe the index per row).
func (pl searchPlan) from() (string, []any) {
	var b strings.Builder
	var args []any
	if pl.match != "" {
		b.WriteString(`FROM premiere_text`)
		if len(pl.facets) > 0 || len(pl.texts) > 0 || !pl.ranked {
			b.WriteString(` CROSS JOIN premieres p ON p.seq = premiere_text.rowid`)
		}
		if len(pl.texts) > 0 {
			b.WriteString(` CROSS JOIN premiere_texts t ON t.seq = premiere_text.rowid`)
		}
		b.WriteString(` WHERE premiere_text MATCH ?`)
		args = append(args, pl.match)
	} else {
		b.WriteString(`FROM premieres p`)
		if len(pl.texts) > 0 {
			b.WriteString(` JOIN premiere_texts t ON t.seq = p.seq`)
		}
		b.WriteString(` WHERE p.on_sale = 1`)
	}
	for _, c := range slices.Concat(pl.facets, pl.texts) {
		b.WriteString(` AND `)
		b.WriteString(c)
	}
	return b.String(), append(args, pl.args...)
}

// planSearch turns a query into a plan; an unknown sort order is an error. A word with
// alternatives (the stems it may be a typo of) matches any of them instead of itself.
func planSearch(q catalogue.SearchQuery, alternatives map[string][]string) (searchPlan, error) {
	var (
		pl       searchPlan
		phrases  []string
		short    []string
		textArgs []any // the texts' arguments, after the facets'
		hasWords bool
	)
	for _, w := range searchtext.Words(q.Text) {
		term := stem(searchtext.Normalize(w))
		if utf8.RuneCountInString(term) >= trigram {
			pl.terms = append(pl.terms, term)
			phrases = append(phrases, anyOf(term, alternatives[term]))
			hasWords = true
		} else {
			short = append(short, term)
		}
	}
	pl.words = strings.Join(phrases, " AND ")
	if actor := searchtext.Normalize(strings.TrimSpace(q.Actor)); actor != "" {
		if utf8.RuneCountInString(actor) >= trigram {
			phrases = append(phrases, `{actors} : `+phrase(actor))
			pl.actor = actor
		} else {
			pl.texts = append(pl.texts, `instr(t.actors_norm, ?) > 0`)
			textArgs = append(textArgs, actor)
		}
	}
	pl.match = strings.Join(phrases, " AND ")
	if q.MinPrice > 0 {
		pl.facets = append(pl.facets, `p.price >= ?`)
		pl.args = append(pl.args, int64(q.MinPrice))
	}
	if q.MaxPrice > 0 {
		pl.facets = append(pl.facets, `p.price <= ?`)
		pl.args = append(pl.args, int64(q.MaxPrice))
	}
	if q.MinDiscount > 0 {
		pl.facets = append(pl.facets, `p.discount_percent >= ?`)
		pl.args = append(pl.args, q.MinDiscount)
	}
	for _, term := range short {
		pl.texts = append(pl.texts, `(instr(p.title_norm, ?) > 0 OR instr(t.actors_norm, ?) > 0 OR instr(t.description_norm, ?) > 0)`)
		textArgs = append(textArgs, term, term, term)
	}
	pl.args = append(pl.args, textArgs...)

	// Every order ends with a tie-break, so that pages never overlap or skip a row; the
	// tie-breaks follow the indexes (see catalogue.go).
	const newest = `p.published_at DESC, p.id`
	switch q.Sort {
	case "", catalogue.SortRelevance:
		pl.ranked, pl.newest = hasWords, !hasWords
		pl.orderBy = newest
	case catalogue.SortNewest:
		pl.orderBy, pl.newest = newest, true
	case catalogue.SortPriceAsc:
		pl.orderBy = `p.price, p.id`
	case catalogue.SortPriceDesc:
		pl.orderBy = `p.price DESC, p.id DESC`
	case catalogue.SortDiscount:
		pl.orderBy = `p.discount_percent DESC, p.price, p.id`
	case catalogue.SortTitle:
		pl.orderBy = `p.title_norm, p.id`
	default:
		return pl, fmt.Errorf("search: unknown sort order %q", q.Sort)
	}

	lead := strings.TrimSuffix(strings.Fields(pl.orderBy)[0], ",")
	for _, f := range pl.facets {
		if strings.HasPrefix(f, lead+" ") {
			pl.walk = append(pl.walk, f)
		} else {
			pl.walk = append(pl.walk, "+"+f)
		}
	}
	pl.limit, pl.offset = q.Window()
	return pl, nil
}

// with returns args followed by more, in a new slice: the plan's arguments are shared by
// the statements of one search.
func with(args []any, more ...any) []any { return slices.Concat(args, more) }

// anyOf is the FTS5 query for a word: its phrase, or any of its alternatives.
func anyOf(term string, alternatives []string) string {
	if len(alternatives) == 0 {
		return phrase(term)
	}
	quoted := make([]string, len(alternatives))
	for i, a := range alternatives {
		quoted[i] = phrase(a)
	}
	return "(" + strings.Join(quoted, " OR ") + ")"
}

// phrase quotes s as an FTS5 string: with the trigram tokenizer, a substring to find.
func phrase(s string) string {
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

func seqs(ctx context.Context, rtx *sql.Tx, query string, args ...any) ([]int64, error) {
	rows, err := rtx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var seq int64
		if err := rows.Scan(&seq); err != nil {
			return nil, err
		}
		out = append(out, seq)
	}
	return out, rows.Err()
}

// premieresBySeq reads a page's rows and returns them in the page's order.
func premieresBySeq(ctx context.Context, rtx *sql.Tx, page []int64) ([]catalogue.Premiere, error) {
	if len(page) == 0 {
		return nil, nil
	}
	args := make([]any, len(page))
	for i, seq := range page {
		args[i] = seq
	}
	rows, err := rtx.QueryContext(ctx, `SELECT p.seq, `+premiereColumns+premiereFrom+
		` WHERE p.seq IN (?`+strings.Repeat(", ?", len(page)-1)+`)`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	bySeq := make(map[int64]catalogue.Premiere, len(page))
	for rows.Next() {
		var seq int64
		p, err := scanPremiere(prefixed{rows, &seq})
		if err != nil {
			return nil, err
		}
		bySeq[seq] = p
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]catalogue.Premiere, 0, len(page))
	for _, seq := range page {
		if p, ok := bySeq[seq]; ok {
			out = append(out, p)
		}
	}
	return out, nil
}

// prefixed scans one leading column into seq, then the rest as the wrapped scanner's caller asks.
type prefixed struct {
	rows *sql.Rows
	seq  *int64
}

func (p prefixed) Scan(dest ...any) error { return p.rows.Scan(append([]any{p.seq}, dest...)...) }
