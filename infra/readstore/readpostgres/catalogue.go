package readpostgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/chance-video/chance/domain/money"
	"github.com/chance-video/chance/infra/readstore/searchtext"
	"github.com/chance-video/chance/readmodel/catalogue"
)

// The catalogue is two tables (see the layout): premieres (narrow: what search matches,
// filters and sorts on) and premiere_cards (the texts and the details).

var _ = register(model{
	name: catalogue.Name,
	layout: `-- premieres is what search scans: one row per premiere with what search matches,
-- filters and sorts on, and nothing else. Counting a broad word visits every matching
-- row, so the row is kept narrow; the card's long text lives in premiere_cards.
--
-- tsv is maintained by the writer from the normalised texts (lower case, ё as е):
-- title weight A, actors B, description C, russian configuration, so a word finds its
-- other forms. The normalisation is done in Go so that it never depends on the
-- database's locale.
CREATE TABLE premieres (
    id               uuid     PRIMARY KEY,
    on_sale          boolean  NOT NULL,
    price            bigint   NOT NULL, -- catalogue.Premiere.OnlinePrice(): what search filters and sorts by
    online_price     bigint   NOT NULL,
    theater_price    bigint   NOT NULL,
    standard_hours   integer  NOT NULL,
    discount_percent integer  NOT NULL,
    published_at     timestamptz,
    updated_at       timestamptz,
    title_norm       text     NOT NULL,
    actors_norm      text     NOT NULL, -- one actor a line, so a filter cannot match across two names
    tsv              tsvector NOT NULL
);

CREATE TABLE premiere_cards (
    id               uuid  PRIMARY KEY,
    title            text  NOT NULL,
    actors           jsonb NOT NULL,
    description      text  NOT NULL,
    description_norm text  NOT NULL, -- for words the full-text index cannot find (short and stop words)
    duration_minutes integer NOT NULL, -- the details: 0 and '' when not stated
    theatre          text  NOT NULL,
    poster_url       text  NOT NULL
);

-- The stems of the words of titles and actors (their lexemes in tsv), for typos: a word
-- the full-text index finds nowhere is stemmed and looked up here by trigram similarity,
-- and the stems found are searched instead (pg_trgm's word-list pattern). Stem to stem,
-- a typo matches whatever form either is in (Мауззер → маузер ← Маузером). Comparing a
-- word with short words is cheap; comparing it with every title and cast that shares a
-- few trigrams with it was not (~100 ms for a typo of a common surname on 100,000
-- premieres). Stems are only added: one that no premiere on sale still has finds nothing.
CREATE TABLE premiere_words (
    word text PRIMARY KEY
);
CREATE INDEX premiere_words_trigrams ON premiere_words USING gin (word gin_trgm_ops);

-- Every search filters on on_sale, so every index holds only premieres on sale.
CREATE INDEX premieres_text ON premieres USING gin (tsv) WHERE on_sale;
-- Trigrams of title and actors, for the actor filter (a part of a name). searchplan.go
-- repeats this expression exactly, or the planner cannot use the index.
CREATE INDEX premieres_trigrams ON premieres USING gin ((title_norm || E'\n' || actors_norm) gin_trgm_ops) WHERE on_sale;
-- One index per sort order, each ending with the tie-break the query uses, so that a
-- page without text (or of a broad word) is an index walk.
CREATE INDEX premieres_newest ON premieres (published_at DESC NULLS LAST, id) WHERE on_sale;
CREATE INDEX premieres_price ON premieres (price, id) WHERE on_sale;
CREATE INDEX premieres_discount ON premieres (discount_percent DESC, price, id) WHERE on_sale;
CREATE INDEX premieres_title ON premieres (title_norm COLLATE "C", id) WHERE on_sale;
`,
	writes: func(t *tx) modelWrites { return &catalogueWrites{t: t} },
})

// catalogueWrites is catalogue.Writes on one Update: the premieres put, buffered until
// commit.
type catalogueWrites struct {
	t         *tx
	premieres buffer[uuid.UUID, catalogue.Premiere]
}

var (
	_ catalogue.Writes = (*catalogueWrites)(nil)
	_ catalogue.Reads  = (*Store)(nil)
)

// premiereColumns are what scanPremiere reads, from premieres p joined with premiere_cards c.
const premiereColumns = `p.id, c.title, c.actors, c.description, p.theater_price, p.online_price,
	p.standard_hours, p.discount_percent, p.on_sale, p.published_at, p.updated_at,
	c.duration_minutes, c.theatre, c.poster_url`

const premiereFrom = ` FROM {s}.premieres p JOIN {s}.premiere_cards c ON c.id = p.id`

const selectPremiere = `SELECT ` + premiereColumns + premiereFrom + ` WHERE p.id = $1`

// upsertPremieres writes a batch of premieres from parallel arrays, computing the
// search vector from the normalised texts: the title weighs most, then the actors,
// then the description (what ts_rank uses for relevance).
const upsertPremieres = `INSERT INTO {s}.premieres (id, on_sale, price, online_price, theater_price, standard_hours,
		discount_percent, published_at, updated_at, title_norm, actors_norm, tsv)
	SELECT u.id, u.on_sale, u.price, u.online_price, u.theater_price, u.standard_hours, u.discount_percent,
		u.published_at, u.updated_at, u.title_norm, u.actors_norm,
		setweight(to_tsvector('russian', u.title_norm), 'A') ||
		setweight(to_tsvector('russian', u.actors_norm), 'B') ||
		setweight(to_tsvector('russian', u.description_norm), 'C')
	FROM unnest($1::uuid[], $2::boolean[], $3::bigint[], $4::bigint[], $5::bigint[], $6::integer[], $7::integer[],
		$8::timestamptz[], $9::timestamptz[], $10::text[], $11::text[], $12::text[])
		AS u(id, on_sale, price, online_price, theater_price, standard_hours, discount_percent,
			published_at, updated_at, title_norm, actors_norm, description_norm)
	ON CONFLICT (id) DO UPDATE SET on_sale = excluded.on_sale, price = excluded.price,
		online_price = excluded.online_price, theater_price = excluded.theater_price,
		standard_hours = excluded.standard_hours, discount_percent = excluded.discount_percent,
		published_at = excluded.published_at, updated_at = excluded.updated_at,
		title_norm = excluded.title_norm, actors_norm = excluded.actors_norm, tsv = excluded.tsv`

const upsertPremiereCards = `INSERT INTO {s}.premiere_cards (id, title, actors, description, description_norm,
		duration_minutes, theatre, poster_url)
	SELECT u.id, u.title, u.actors::jsonb, u.description, u.description_norm, u.duration_minutes, u.theatre, u.poster_url
	FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::integer[], $7::text[], $8::text[])
		AS u(id, title, actors, description, description_norm, duration_minutes, theatre, poster_url)
	ON CONFLICT (id) DO UPDATE SET title = excluded.title, actors = excluded.actors,
		description = excluded.description, description_norm = excluded.description_norm,
		duration_minutes = excluded.duration_minutes, theatre = excluded.theatre, poster_url = excluded.poster_url`

// addPremiereWords records the stems of titles and actors, for typo matching.
const addPremiereWords = `INSERT INTO {s}.premiere_words (word)
	SELECT DISTINCT l.word FROM unnest($1::text[]) AS u(t), unnest(tsvector_to_array(to_tsvector('russian', u.t))) AS l(word)
	WHERE length(l.word) >= 3
	ON CONFLICT DO NOTHING`

func (w *catalogueWrites) PutPremiere(ctx context.Context, p catalogue.Premiere) error {
	w.premieres.put(p.ID, p)
	return nil
}

func (w *catalogueWrites) Premiere(ctx context.Context, id uuid.UUID) (catalogue.Premiere, bool, error) {
	if p, ok := w.premieres.get(id); ok {
		return p, true, nil
	}
	return onePremiere(w.t.queryRow(ctx, selectPremiere, uuidArg(id)), id)
}

func (w *catalogueWrites) flush(b *pgx.Batch) error {
	n := w.premieres.len()
	if n == 0 {
		return nil
	}
	var (
		ids                        = make([][16]byte, 0, n)
		onSale                     = make([]bool, 0, n)
		price, online, theater     = make([]int64, 0, n), make([]int64, 0, n), make([]int64, 0, n)
		hours, discount            = make([]int32, 0, n), make([]int32, 0, n)
		published, updated         = make([]pgtype.Timestamptz, 0, n), make([]pgtype.Timestamptz, 0, n)
		titles, titleNorm, actors  = make([]string, 0, n), make([]string, 0, n), make([]string, 0, n)
		actorsNorm, desc, descNorm = make([]string, 0, n), make([]string, 0, n), make([]string, 0, n)
		duration                   = make([]int32, 0, n)
		theatres, posters          = make([]string, 0, n), make([]string, 0, n)
		err                        error
	)
	w.premieres.each(func(p catalogue.Premiere) {
		a, jerr := json.Marshal(nonNil(p.Actors))
		if jerr != nil && err == nil {
			err = fmt.Errorf("put premiere %s: actors: %w", p.ID, jerr)
		}
		ids = append(ids, uuidArg(p.ID))
		onSale = append(onSale, p.OnSale)
		price = append(price, int64(p.OnlinePrice()))
		online = append(online, int64(p.Terms.OnlinePrice))
		theater = append(theater, int64(p.TheaterPrice))
		hours = append(hours, int32(p.Terms.StandardHours))
		discount = append(discount, int32(p.Terms.DiscountPercent))
		published = append(published, timeArg(p.PublishedAt))
		updated = append(updated, timeArg(p.UpdatedAt))
		titles = append(titles, p.Title)
		titleNorm = append(titleNorm, searchtext.Normalize(p.Title))
		actors = append(actors, string(a))
		actorsNorm = append(actorsNorm, searchtext.Normalize(strings.Join(p.Actors, actorsSeparator)))
		desc = append(desc, p.Description)
		descNorm = append(descNorm, searchtext.Normalize(p.Description))
		duration = append(duration, int32(p.DurationMinutes))
		theatres = append(theatres, p.Theatre)
		posters = append(posters, p.PosterURL)
	})
	if err != nil {
		return err
	}
	b.Queue(w.t.gen.sql(upsertPremieres), ids, onSale, price, online, theater, hours, discount, published, updated,
		titleNorm, actorsNorm, descNorm)
	b.Queue(w.t.gen.sql(upsertPremiereCards), ids, titles, actors, desc, descNorm, duration, theatres, posters)
	named := make([]string, n) // titles and actors, for the stems of their words
	for i := range named {
		named[i] = titleNorm[i] + actorsSeparator + actorsNorm[i]
	}
	b.Queue(w.t.gen.sql(addPremiereWords), named)
	return nil
}

// Premiere reads one premiere, on sale or not.
func (s *Store) Premiere(ctx context.Context, id uuid.UUID) (p catalogue.Premiere, found bool, err error) {
	err = s.read(ctx, catalogue.Name, func(g *generation) error {
		p, found, err = onePremiere(s.pool.QueryRow(ctx, g.sql(selectPremiere), uuidArg(id)), id)
		return err
	})
	return p, found, err
}

// Premieres reads the premieres with the given ids that exist.
func (s *Store) Premieres(ctx context.Context, ids []uuid.UUID) (out []catalogue.Premiere, err error) {
	if len(ids) == 0 {
		return nil, nil
	}
	args := make([][16]byte, len(ids))
	for i, id := range ids {
		args[i] = uuidArg(id)
	}
	err = s.read(ctx, catalogue.Name, func(g *generation) error {
		rows, err := s.pool.Query(ctx, g.sql(`SELECT `+premiereColumns+premiereFrom+` WHERE p.id = ANY($1::uuid[])`), args)
		if err != nil {
			return err
		}
		out, err = collect(rows, scanPremiere)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("premieres: %w", err)
	}
	return out, nil
}

func onePremiere(row pgx.Row, id uuid.UUID) (catalogue.Premiere, bool, error) {
	p, err := scanPremiere(row)
	if errors.Is(err, pgx.ErrNoRows) {
		return catalogue.Premiere{}, false, nil
	}
	if err != nil {
		return catalogue.Premiere{}, false, fmt.Errorf("premiere %s: %w", id, err)
	}
	return p, true, nil
}

// scanPremiere reads the premiereColumns.
func scanPremiere(r scanner) (catalogue.Premiere, error) {
	var (
		p                    catalogue.Premiere
		actors               []byte
		theater, online      int64
		published, updatedAt pgtype.Timestamptz
	)
	err := r.Scan(&p.ID, &p.Title, &actors, &p.Description, &theater, &online,
		&p.Terms.StandardHours, &p.Terms.DiscountPercent, &p.OnSale, &published, &updatedAt,
		&p.DurationMinutes, &p.Theatre, &p.PosterURL)
	if err != nil {
		return p, err
	}
	if err := json.Unmarshal(actors, &p.Actors); err != nil {
		return p, fmt.Errorf("actors of %s: %w", p.ID, err)
	}
	if len(p.Actors) == 0 {
		p.Actors = nil
	}
	p.TheaterPrice, p.Terms.OnlinePrice = money.Kopecks(theater), money.Kopecks(online)
	p.PublishedAt, p.UpdatedAt = timeCol(published), timeCol(updatedAt)
	return p, nil
}

// nonNil stores an absent list as [] rather than null.
func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
