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
)

// The typo vocabulary (catalogue_v3): the stems of the words of the titles and actors of
// the premieres on sale, each with how many such premieres have it, and each stem's
// trigrams (searchtext.Trigrams), so that the stems similar to a word are found through
// its trigrams rather than by comparing it with every stem. A stem is counted when its
// premiere enters the search index and uncounted when it leaves or its text changes; it
// goes when no premiere on sale has it. So the table is a function of the premieres on
// sale, whatever history led to them: a rebuild writes the same rows.
var catalogueWordsSchema = []string{
	`CREATE TABLE premiere_words (
		word TEXT PRIMARY KEY,
		uses INTEGER NOT NULL
	) WITHOUT ROWID`,
	`CREATE TABLE premiere_word_trigrams (
		trigram TEXT NOT NULL,
		word    TEXT NOT NULL,
		PRIMARY KEY (trigram, word)
	) WITHOUT ROWID`,
}

const (
	countWord = `INSERT INTO premiere_words (word, uses) VALUES (?, 1)
		ON CONFLICT (word) DO UPDATE SET uses = uses + 1 RETURNING uses`
	uncountWord     = `UPDATE premiere_words SET uses = uses - 1 WHERE word = ? RETURNING uses`
	deleteWord      = `DELETE FROM premiere_words WHERE word = ?`
	addWordTrigram  = `INSERT OR IGNORE INTO premiere_word_trigrams (trigram, word) VALUES (?, ?)`
	dropWordTrigram = `DELETE FROM premiere_word_trigrams WHERE trigram = ? AND word = ?`
)

var catalogueWordsStatements = []string{countWord, uncountWord, deleteWord, addWordTrigram, dropWordTrigram}

// typoStems are the stems of a premiere's title and actors the vocabulary holds: each
// once, three letters or more (shorter words are matched as parts of the text).
func typoStems(title, actors string) []string {
	var out []string
	for _, w := range searchtext.Words(title + actorsSeparator + actors) {
		if s := stem(w); utf8.RuneCountInString(s) >= trigram && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// recountWords moves a premiere's stems in the vocabulary from before to after (either
// nil when the premiere is not in the search index), touching only the stems that differ.
func (w catalogueWrites) recountWords(ctx context.Context, before, after []string) error {
	for _, s := range before {
		if !slices.Contains(after, s) {
			if err := w.uncountWord(ctx, s); err != nil {
				return fmt.Errorf("uncount %q: %w", s, err)
			}
		}
	}
	for _, s := range after {
		if !slices.Contains(before, s) {
			if err := w.countWord(ctx, s); err != nil {
				return fmt.Errorf("count %q: %w", s, err)
			}
		}
	}
	return nil
}

func (w catalogueWrites) countWord(ctx context.Context, word string) error {
	uses, err := w.uses(ctx, countWord, word)
	if err != nil || uses != 1 {
		return err
	}
	for _, t := range searchtext.Trigrams(word) {
		if err := w.t.exec(ctx, addWordTrigram, t, word); err != nil {
			return err
		}
	}
	return nil
}

func (w catalogueWrites) uncountWord(ctx context.Context, word string) error {
	uses, err := w.uses(ctx, uncountWord, word)
	if err != nil || uses > 0 {
		return err
	}
	if err := w.t.exec(ctx, deleteWord, word); err != nil {
		return err
	}
	for _, t := range searchtext.Trigrams(word) {
		if err := w.t.exec(ctx, dropWordTrigram, t, word); err != nil {
			return err
		}
	}
	return nil
}

// uses runs a statement returning a stem's count; a stem not counted has none (0).
func (w catalogueWrites) uses(ctx context.Context, query, word string) (int, error) {
	row, err := w.t.queryRow(ctx, query, word)
	if err != nil {
		return 0, err
	}
	var uses int
	if err := row.Scan(&uses); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return 0, err
	}
	return uses, nil
}

// similarWords returns the searchtext.TypoWords stems of the vocabulary most similar to
// term, at least searchtext.TypoThreshold similar, most similar first. Only stems that
// share searchtext.MinShared of term's trigrams can be, so only those are compared.
func similarWords(ctx context.Context, rtx *sql.Tx, term string) ([]string, error) {
	trigrams := searchtext.Trigrams(term)
	args := make([]any, 0, len(trigrams)+1)
	for _, t := range trigrams {
		args = append(args, t)
	}
	args = append(args, searchtext.MinShared(len(trigrams)))
	candidates, err := rtx.QueryContext(ctx, `SELECT word FROM premiere_word_trigrams WHERE trigram IN (?`+
		strings.Repeat(", ?", len(trigrams)-1)+`) GROUP BY word HAVING count(*) >= ?`, args...)
	if err != nil {
		return nil, fmt.Errorf("similar words to %q: %w", term, err)
	}
	defer candidates.Close()
	type scored struct {
		word string
		sim  float64
	}
	var found []scored
	for candidates.Next() {
		var word string
		if err := candidates.Scan(&word); err != nil {
			return nil, err
		}
		if sim := searchtext.Similarity(term, word); sim >= searchtext.TypoThreshold {
			found = append(found, scored{word, sim})
		}
	}
	if err := candidates.Err(); err != nil {
		return nil, err
	}
	slices.SortFunc(found, func(a, b scored) int {
		if a.sim != b.sim {
			if a.sim > b.sim {
				return -1
			}
			return 1
		}
		return strings.Compare(a.word, b.word)
	})
	out := make([]string, 0, min(len(found), searchtext.TypoWords))
	for _, s := range found[:min(len(found), searchtext.TypoWords)] {
		out = append(out, s.word)
	}
	return out, nil
}
