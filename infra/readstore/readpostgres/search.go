package readpostgres

import (
	"context"
	"fmt"
	"strconv"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"github.com/chance-video/chance/readmodel/catalogue"
)

// Search finds premieres on sale. Every word of q.Text must match the title, the actors
// or the description: through the full-text index, as any form of the word or as the
// start of one (Маузера, Мауз → Маузер); if it is found nowhere, as a typo of a word of
// a title or an actor's name, in any form (Мауззер → Маузера); or, for a word too short
// to index or one the russian configuration ignores (ты, для), as a part of the text. Case and ё/е do
// not matter.
//
// It takes three round trips: one that resolves the words (their tsquery), and two on
// one connection that count the matches and read the page in one repeatable-read
// snapshot, so that Total and Items agree. Only a search that finds nothing looks for
// typos, and then searches again: a word found somewhere is never replaced, so typo
// lookups cost the common path nothing.
func (s *Store) Search(ctx context.Context, q catalogue.SearchQuery) (res catalogue.SearchResult, err error) {
	pl, err := planSearch(q)
	if err != nil {
		return res, err
	}
	err = s.read(ctx, catalogue.Name, func(g *generation) error {
		if _, err := s.resolveWords(ctx, g, &pl, false); err != nil {
			return fmt.Errorf("resolve words: %w", err)
		}
		res, err = s.search(ctx, g, pl)
		if err != nil || res.Total > 0 || len(pl.indexable()) == 0 {
			return err
		}
		typos, err := s.resolveWords(ctx, g, &pl, true)
		if err != nil || !typos {
			return err
		}
		res, err = s.search(ctx, g, pl)
		return err
	})
	if err != nil {
		return catalogue.SearchResult{}, fmt.Errorf("search %q: %w", q.Text, err)
	}
	return res, nil
}

// resolveWords asks the server for each indexable word's tsquery: its Russian stem as
// a prefix ('маузер':*), PostgreSQL's stemmer and stop words deciding, not a copy of them
// in Go. A word the full-text index finds in no premiere on sale is taken for a typo:
// its tsquery becomes the typoWords stems of titles and actors most similar to its stem
// (Мауззер → маузер), if any is at least typoThreshold similar.
//
// Typos are looked up only for words found nowhere, rather than ORed into every word: a
// typo match adds nothing to a word found already, and costs a lookup per word.
//
// With typos false, no word is taken for a typo. It reports whether one was.
func (s *Store) resolveWords(ctx context.Context, g *generation, pl *searchPlan, typos bool) (bool, error) {
	texts := pl.indexable()
	if len(texts) == 0 {
		return false, nil
	}
	query := `SELECT x.q::text,
			CASE WHEN NOT $3 OR x.q::text = '' OR EXISTS (SELECT 1 FROM {s}.premieres p WHERE p.on_sale AND p.tsv @@ x.q) THEN ''
			ELSE coalesce((
				SELECT string_agg(plainto_tsquery('simple', d.word)::text, ' | ' ORDER BY d.word)
				FROM (SELECT word FROM {s}.premiere_words
					WHERE word OPERATOR(` + s.trgm + `.%) x.stem
					ORDER BY ` + s.trgm + `.similarity(word, x.stem) DESC, word LIMIT $2) d), '')
			END
		FROM (SELECT u.i, to_tsquery('russian', u.w || ':*') AS q,
				coalesce((tsvector_to_array(to_tsvector('russian', u.w)))[1], u.w) AS stem
			FROM unnest($1::text[]) WITH ORDINALITY AS u(w, i)) x
		ORDER BY x.i`
	b := &pgx.Batch{}
	// The % operator's threshold is a setting: set it for this batch's transaction only.
	b.Queue(`SELECT set_config('pg_trgm.similarity_threshold', $1, true)`, strconv.FormatFloat(typoThreshold, 'f', -1, 64))
	var found []resolved
	b.Queue(g.sql(query), texts, typoWords, typos).Query(func(rows pgx.Rows) (err error) {
		found, err = collect(rows, func(r scanner) (resolved, error) {
			var w resolved
			return w, r.Scan(&w.query, &w.typo)
		})
		return err
	})
	if err := s.pool.SendBatch(ctx, b).Close(); err != nil {
		return false, err
	}
	if len(found) != len(texts) {
		return false, fmt.Errorf("%d words resolved, want %d", len(found), len(texts))
	}
	i, replaced := 0, false
	for j, w := range pl.words {
		if utf8.RuneCountInString(w.text) < shortWord {
			continue // matched as a substring
		}
		switch r := found[i]; {
		case r.typo != "":
			pl.words[j].query = "(" + r.typo + ")"
			replaced = true
		case r.query != "": // "" for a stop word: matched as a substring too
			pl.words[j].query = r.query
		}
		i++
	}
	return replaced, nil
}

// resolved is a word as the server sees it: its tsquery ("" for a stop word), and the
// stems of the words it may be a typo of ("" if it is found as it is).
type resolved struct {
	query string
	typo  string
}

// search counts the matches (exactly up to catalogue.CountBound) and reads the page, in
// one snapshot and two round trips on one connection: the count decides how the page is
// found. With more than CountBound matches (1 % of the catalogue or more), walking the
// order's index and testing each row finds a page within a few thousand rows, so the
// text index and sequential scans are set aside (a GIN index is only read by bitmap);
// with fewer, the matches are gathered through the text index and sorted (sortedPage),
// for the planner, misjudging a rare word, walked 95,000 rows of the newest index for 11
// matches (~500 ms).
func (s *Store) search(ctx context.Context, g *generation, pl searchPlan) (catalogue.SearchResult, error) {
	var res catalogue.SearchResult
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return res, err
	}
	defer conn.Release() // a connection left in a transaction by an error is closed, not reused

	b := &pgx.Batch{}
	b.Queue(`BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY`)
	// pgx prepares and caches statements, and after five runs PostgreSQL may plan one
	// generically, blind to its tsquery: a rare word's count then scanned every row
	// (~100 ms). Each search is planned for its own words.
	b.Queue(`SET LOCAL plan_cache_mode = force_custom_plan`)
	if pl.textIndexed() {
		// The count reads bitmaps of the indexes (text, trigrams, price …), ANDed, and
		// stops at the bound: its cost follows the indexes' matches, never a scan of
		// rows a filter rejects (a sequential scan read 15,000 rows to count 1,001
		// matches of a broad word in a price range). Without text, a scan that stops at
		// the bound is cheapest, and the planner knows it.
		b.Queue(`SET LOCAL enable_seqscan = off`)
		b.Queue(`SET LOCAL enable_indexscan = off`)
	}
	count, args := pl.countSQL()
	b.Queue(g.sql(count), args...).QueryRow(func(row pgx.Row) error { return row.Scan(&res.Total) })
	if err := conn.SendBatch(ctx, b).Close(); err != nil {
		return res, err
	}
	if res.Total > catalogue.CountBound {
		res.Total, res.Capped = catalogue.CountBound, true
	}

	b = &pgx.Batch{}
	b.Queue(`SET LOCAL enable_indexscan = on`)
	if res.Capped {
		// Misjudging a trigram LIKE (an actor filter) as rare, the planner would scan and sort.
		b.Queue(`SET LOCAL enable_bitmapscan = off`)
	} else {
		b.Queue(`SET LOCAL enable_seqscan = on`)
	}
	page := func(query string, args []any) {
		b.Queue(g.sql(query), args...).Query(func(rows pgx.Rows) error {
			items, err := collect(rows, scanPremiere)
			res.Items = append(res.Items, items...)
			return err
		})
	}
	end := pl.offset + pl.limit
	if !pl.ranked() {
		page(pl.orderedSQL(pl.offset, pl.limit, res.Capped))
	} else {
		// The rank window, then the newest of the matches after it.
		if pl.offset < rankWindow {
			page(pl.rankedSQL(pl.offset, min(end, rankWindow)-pl.offset, res.Capped))
		}
		if end > rankWindow {
			from := max(pl.offset, rankWindow)
			page(pl.orderedSQL(from, end-from, res.Capped))
		}
	}
	b.Queue(`COMMIT`)
	if err := conn.SendBatch(ctx, b).Close(); err != nil {
		return res, err
	}
	return res, nil
}
