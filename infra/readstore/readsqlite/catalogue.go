package readsqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/google/uuid"

	"github.com/chance-video/chance/infra/readstore/searchtext"
	"github.com/chance-video/chance/projections"
	"github.com/chance-video/chance/readmodel/catalogue"
)

// The catalogue is three tables, and the typo vocabulary (catalogue_words.go):
//
//   - premieres: one narrow row per premiere with what search filters and sorts on (the
//     discounted standard-term price, the discount, the normalised title, the publication
//     time). Search joins every text match to it, so it must stay narrow: 25,000 lookups
//     into rows carrying descriptions cost ~40 ms, into these a fraction of it.
//   - premiere_texts: the long text and the details (duration, theatre, poster), read
//     only for the rows of a page (and the text for words too short for the index).
//   - premiere_text: an FTS5 index with the trigram tokenizer over the normalised title,
//     actors and description of the premieres on sale. Trigrams find any substring of 3
//     or more characters (a stem, a prefix), which word tokenizers cannot. It is
//     contentless (the text is in premiere_texts already); PutPremiere keeps it in step.
//     Holding only premieres on sale lets a plain text search count without a join.
//
// seq, an INTEGER PRIMARY KEY, is the rowid the index refers to (an implicit rowid could
// change on VACUUM); it grows with every new premiere, so "seq DESC" is "added last first".
var _ = register(model{
	name:   catalogue.Name,
	schema: slices.Concat(catalogueSchema, catalogueWordsSchema),
	statements: slices.Concat([]string{upsertPremiere, upsertPremiereText, selectPremiere, selectIndexed, indexPremiere, unindexPremiere},
		catalogueWordsStatements),
	writes:      func(t *tx) projections.Writes { return catalogueWrites{t} },
	textIndexes: []string{"premiere_text"},
})

// catalogueWrites is catalogue.Writes on a transaction of the catalogue file.
type catalogueWrites struct{ t *tx }

var (
	_ catalogue.Writes = catalogueWrites{}
	_ catalogue.Reads  = (*Store)(nil)
)

var catalogueSchema = []string{
	`CREATE TABLE premieres (
		seq              INTEGER PRIMARY KEY,
		id               TEXT    NOT NULL UNIQUE,
		title            TEXT    NOT NULL,
		title_norm       TEXT    NOT NULL,
		theater_price    INTEGER NOT NULL,
		online_price     INTEGER NOT NULL,
		standard_hours   INTEGER NOT NULL,
		discount_percent INTEGER NOT NULL,
		price            INTEGER NOT NULL, -- catalogue.Premiere.OnlinePrice()
		on_sale          INTEGER NOT NULL,
		published_at     INTEGER,
		updated_at       INTEGER
	)`,
	// One index per sort order, led by on_sale (every search filters on it), each ending
	// with the tie-break the query uses, so a page without text is an index walk.
	`CREATE INDEX premieres_newest ON premieres (on_sale, published_at DESC, id)`,
	`CREATE INDEX premieres_price ON premieres (on_sale, price, id)`,
	`CREATE INDEX premieres_discount ON premieres (on_sale, discount_percent DESC, price, id)`,
	`CREATE INDEX premieres_title ON premieres (on_sale, title_norm, id)`,
	`CREATE TABLE premiere_texts (
		seq              INTEGER PRIMARY KEY, -- premieres.seq
		actors           TEXT NOT NULL,       -- JSON array
		description      TEXT NOT NULL,
		actors_norm      TEXT NOT NULL,
		description_norm TEXT NOT NULL,
		duration_minutes INTEGER NOT NULL,
		theatre          TEXT NOT NULL,
		poster_url       TEXT NOT NULL
	)`,
	`CREATE VIRTUAL TABLE premiere_text USING fts5(
		title, actors, description,
		content = '', contentless_delete = 1, tokenize = 'trigram'
	)`,
	// A larger in-memory term buffer (default 1 MiB) flushes fewer, larger segments during
	// a rebuild, so the index spends less time merging them.
	`INSERT INTO premiere_text (premiere_text, rank) VALUES ('hashsize', 16777216)`,
}

const premiereColumns = `p.id, p.title, t.actors, t.description, p.theater_price, p.online_price,
	p.standard_hours, p.discount_percent, p.on_sale, p.published_at, p.updated_at,
	t.duration_minutes, t.theatre, t.poster_url`

const premiereFrom = ` FROM premieres p JOIN premiere_texts t ON t.seq = p.seq`

const selectPremiere = `SELECT ` + premiereColumns + premiereFrom + ` WHERE p.id = ?`

// selectIndexed is what PutPremiere compares to decide whether to reindex.
const selectIndexed = `SELECT p.seq, p.on_sale, p.title_norm, t.actors_norm, t.description_norm` + premiereFrom + ` WHERE p.id = ?`

const upsertPremiere = `INSERT INTO premieres (id, title, title_norm, theater_price, online_price, standard_hours,
	discount_percent, price, on_sale, published_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
	ON CONFLICT (id) DO UPDATE SET title = excluded.title, title_norm = excluded.title_norm,
		theater_price = excluded.theater_price, online_price = excluded.online_price,
		standard_hours = excluded.standard_hours, discount_percent = excluded.discount_percent,
		price = excluded.price, on_sale = excluded.on_sale, published_at = excluded.published_at,
		updated_at = excluded.updated_at
	RETURNING seq`

const upsertPremiereText = `INSERT INTO premiere_texts (seq, actors, description, actors_norm, description_norm,
		duration_minutes, theatre, poster_url)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?)
	ON CONFLICT (seq) DO UPDATE SET actors = excluded.actors, description = excluded.description,
		actors_norm = excluded.actors_norm, description_norm = excluded.description_norm,
		duration_minutes = excluded.duration_minutes, theatre = excluded.theatre, poster_url = excluded.poster_url`

const (
	indexPremiere   = `INSERT INTO premiere_text (rowid, title, actors, description) VALUES (?, ?, ?, ?)`
	unindexPremiere = `DELETE FROM premiere_text WHERE rowid = ?`
)

// actorsSeparator joins the actors in actors_norm: a line break, which no name contains,
// so an actor filter cannot match across two names typed on one line.
const actorsSeparator = "\n"

func (w catalogueWrites) PutPremiere(ctx context.Context, p catalogue.Premiere) error {
	if err := w.putPremiere(ctx, p); err != nil {
		return fmt.Errorf("put premiere %s: %w", p.ID, err)
	}
	return nil
}

func (w catalogueWrites) putPremiere(ctx context.Context, p catalogue.Premiere) error {
	actors, err := jsonArg(nonNil(p.Actors))
	if err != nil {
		return err
	}
	published, err := timeArg(p.PublishedAt)
	if err != nil {
		return fmt.Errorf("published at: %w", err)
	}
	updated, err := timeArg(p.UpdatedAt)
	if err != nil {
		return fmt.Errorf("updated at: %w", err)
	}
	text := indexedText{
		onSale:      p.OnSale,
		title:       searchtext.Normalize(p.Title),
		actors:      searchtext.Normalize(strings.Join(p.Actors, actorsSeparator)),
		description: searchtext.Normalize(p.Description),
	}

	before, found, err := w.indexed(ctx, p.ID)
	if err != nil {
		return err
	}
	row, err := w.t.queryRow(ctx, upsertPremiere, uuidArg(p.ID), p.Title, text.title, int64(p.TheaterPrice),
		int64(p.Terms.OnlinePrice), p.Terms.StandardHours, p.Terms.DiscountPercent, int64(p.OnlinePrice()),
		boolArg(p.OnSale), published, updated)
	if err != nil {
		return err
	}
	var seq int64
	if err := row.Scan(&seq); err != nil {
		return err
	}
	if err := w.t.exec(ctx, upsertPremiereText, seq, actors, p.Description, text.actors, text.description,
		p.DurationMinutes, p.Theatre, p.PosterURL); err != nil {
		return err
	}

	// Reindex only what changed: repricing a premiere must not rewrite its trigrams.
	wasIndexed := found && before.onSale
	if found && before == text {
		return nil
	}
	var stemsBefore, stemsAfter []string
	if wasIndexed {
		if err := w.t.exec(ctx, unindexPremiere, seq); err != nil {
			return fmt.Errorf("unindex: %w", err)
		}
		stemsBefore = typoStems(before.title, before.actors)
	}
	if text.onSale {
		if err := w.t.exec(ctx, indexPremiere, seq, text.title, text.actors, text.description); err != nil {
			return fmt.Errorf("index: %w", err)
		}
		stemsAfter = typoStems(text.title, text.actors)
	}
	return w.recountWords(ctx, stemsBefore, stemsAfter)
}

// indexedText is what decides a premiere's entry in the search index.
type indexedText struct {
	onSale                     bool
	title, actors, description string
}

func (w catalogueWrites) indexed(ctx context.Context, id uuid.UUID) (indexedText, bool, error) {
	row, err := w.t.queryRow(ctx, selectIndexed, uuidArg(id))
	if err != nil {
		return indexedText{}, false, err
	}
	var (
		it  indexedText
		seq int64
	)
	err = row.Scan(&seq, &it.onSale, &it.title, &it.actors, &it.description)
	if errors.Is(err, sql.ErrNoRows) {
		return indexedText{}, false, nil
	}
	return it, err == nil, err
}

func (w catalogueWrites) Premiere(ctx context.Context, id uuid.UUID) (catalogue.Premiere, bool, error) {
	row, err := w.t.queryRow(ctx, selectPremiere, uuidArg(id))
	if err != nil {
		return catalogue.Premiere{}, false, fmt.Errorf("premiere %s: %w", id, err)
	}
	return onePremiere(row, id)
}

// Premiere reads one premiere, on sale or not.
func (s *Store) Premiere(ctx context.Context, id uuid.UUID) (catalogue.Premiere, bool, error) {
	g, release, err := s.serving(catalogue.Name)
	if err != nil {
		return catalogue.Premiere{}, false, err
	}
	defer release()
	return onePremiere(g.read.QueryRowContext(ctx, selectPremiere, uuidArg(id)), id)
}

// premieresChunk keeps an IN list well below SQLite's limit on bound variables.
const premieresChunk = 500

// Premieres reads the premieres with the given ids that exist.
func (s *Store) Premieres(ctx context.Context, ids []uuid.UUID) ([]catalogue.Premiere, error) {
	g, release, err := s.serving(catalogue.Name)
	if err != nil {
		return nil, err
	}
	defer release()
	var out []catalogue.Premiere
	for len(ids) > 0 {
		chunk := ids[:min(len(ids), premieresChunk)]
		ids = ids[len(chunk):]
		args := make([]any, len(chunk))
		for i, id := range chunk {
			args[i] = uuidArg(id)
		}
		query := `SELECT ` + premiereColumns + premiereFrom + ` WHERE p.id IN (?` + strings.Repeat(", ?", len(chunk)-1) + `)`
		rows, err := g.read.QueryContext(ctx, query, args...)
		if err != nil {
			return nil, fmt.Errorf("premieres: %w", err)
		}
		out, err = appendPremieres(out, rows)
		if err != nil {
			return nil, fmt.Errorf("premieres: %w", err)
		}
	}
	return out, nil
}

func onePremiere(row *sql.Row, id uuid.UUID) (catalogue.Premiere, bool, error) {
	p, err := scanPremiere(row)
	if errors.Is(err, sql.ErrNoRows) {
		return catalogue.Premiere{}, false, nil
	}
	if err != nil {
		return catalogue.Premiere{}, false, fmt.Errorf("premiere %s: %w", id, err)
	}
	return p, true, nil
}

// appendPremieres scans and closes rows.
func appendPremieres(out []catalogue.Premiere, rows *sql.Rows) ([]catalogue.Premiere, error) {
	defer rows.Close()
	for rows.Next() {
		p, err := scanPremiere(rows)
		if err != nil {
			return out, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

type scanner interface{ Scan(dest ...any) error }

// scanPremiere reads the premiereColumns.
func scanPremiere(r scanner) (catalogue.Premiere, error) {
	var (
		p                    catalogue.Premiere
		actors               string
		theater, online      int64
		onSale               bool
		published, updatedAt sql.NullInt64
	)
	err := r.Scan(scanUUID(&p.ID, "id"), &p.Title, &actors, &p.Description, &theater, &online,
		&p.Terms.StandardHours, &p.Terms.DiscountPercent, &onSale, &published, &updatedAt,
		&p.DurationMinutes, &p.Theatre, &p.PosterURL)
	if err != nil {
		return p, err
	}
	if err := json.Unmarshal([]byte(actors), &p.Actors); err != nil {
		return p, fmt.Errorf("actors of %s: %w", p.ID, err)
	}
	if len(p.Actors) == 0 {
		p.Actors = nil
	}
	p.TheaterPrice, p.Terms.OnlinePrice = moneyOf(theater), moneyOf(online)
	p.OnSale = onSale
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
