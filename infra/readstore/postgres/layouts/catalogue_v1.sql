-- premieres is what search scans: one row per premiere with what search matches,
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
    price            bigint   NOT NULL, -- readmodel.Premiere.OnlinePrice(): what search filters and sorts by
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
    description_norm text  NOT NULL -- for words the full-text index cannot find (short and stop words)
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
