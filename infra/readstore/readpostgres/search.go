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
// It takes two round trips: one that resolves the words (their tsquery, or what they are
// typos of), and one batch that counts the matches and reads the page in one
// repeatable-read snapshot, so that Total and Items agree.
func (s *Store) Search(ctx context.Context, q catalogue.SearchQuery) (res catalogue.SearchResult, err error) {
	pl, err := planSearch(q)
	if err != nil {
		return res, err
	}
	err = s.read(ctx, catalogue.Name, func(g *generation) error {
		if err := s.resolveWords(ctx, g, &pl); err != nil {
			return fmt.Errorf("resolve words: %w", err)
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
func (s *Store) resolveWords(ctx context.Context, g *generation, pl *searchPlan) error {
	texts := pl.indexable()
	if len(texts) == 0 {
		return nil
	}
	query := `SELECT x.q::text,
			CASE WHEN x.q::text = '' OR EXISTS (SELECT 1 FROM {s}.premieres p WHERE p.on_sale AND p.tsv @@ x.q) THEN ''
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
	b.Queue(g.sql(query), texts, typoWords).Query(func(rows pgx.Rows) (err error) {
		found, err = collect(rows, func(r scanner) (resolved, error) {
			var w resolved
			return w, r.Scan(&w.query, &w.typo)
		})
		return err
	})
	if err := s.pool.SendBatch(ctx, b).Close(); err != nil {
		return err
	}
	if len(found) != len(texts) {
		return fmt.Errorf("%d words resolved, want %d", len(found), len(texts))
	}
	i := 0
	for j, w := range pl.words {
		if utf8.RuneCountInString(w.text) < shortWord {
			continue // matched as a substring
		}
		switch r := found[i]; {
		case r.typo != "":
			pl.words[j].query = "(" + r.typo + ")"
		case r.query != "": // "" for a stop word: matched as a substring too
			pl.words[j].query = r.query
		}
		i++
	}
	return nil
}

// resolved is a word as the server sees it: its tsquery ("" for a stop word), and the
// stems of the words it may be a typo of ("" if it is found as it is).
type resolved struct {
	query string
	typo  string
}

// search counts the matches (exactly up to catalogue.CountBound) and reads the page, in
// one batch and one snapshot.
func (s *Store) search(ctx context.Context, g *generation, pl searchPlan) (catalogue.SearchResult, error) {
	var res catalogue.SearchResult
	b := &pgx.Batch{}
	b.Queue(`BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY`)
	count, args := pl.countSQL()
	b.Queue(g.sql(count), args...).QueryRow(func(row pgx.Row) error { return row.Scan(&res.Total) })
	page := func(query string, args []any) {
		b.Queue(g.sql(query), args...).Query(func(rows pgx.Rows) error {
			items, err := collect(rows, scanPremiere)
			res.Items = append(res.Items, items...)
			return err
		})
	}
	end := pl.offset + pl.limit
	if !pl.ranked() {
		page(pl.orderedSQL(pl.offset, pl.limit))
	} else {
		// The rank window, then the newest of the matches after it.
		if pl.offset < rankWindow {
			page(pl.rankedSQL(pl.offset, min(end, rankWindow)-pl.offset))
		}
		if end > rankWindow {
			from := max(pl.offset, rankWindow)
			page(pl.orderedSQL(from, end-from))
		}
	}
	b.Queue(`COMMIT`)
	if err := s.pool.SendBatch(ctx, b).Close(); err != nil {
		return res, err
	}
	if res.Total > catalogue.CountBound {
		res.Total, res.Capped = catalogue.CountBound, true
	}
	return res, nil
}
