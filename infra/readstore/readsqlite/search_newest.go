package readsqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// newestPage is the page of a text search with more than catalogue.CountBound matches,
// newest first, found from the matches added last: the text index delivers matches by
// rowid (seq, the order premieres were added in) from the last, cheaply and stopping
// early, and premieres are added in the order they are published, nearly always. So the
// offset+limit matches added last are taken and sorted newest first; they are the page
// if no premiere on sale added before them sorts before the last of them, which one
// look at the newest index settles (it reads the premieres published since that one, a
// few thousand at most with this many matches). Otherwise, and whenever it cannot tell,
// it reports false, and the caller sorts every match.
func (pl searchPlan) newestPage(ctx context.Context, rtx *sql.Tx) ([]int64, bool, error) {
	from, args := pl.from()
	n := pl.offset + pl.limit
	rows, err := rtx.QueryContext(ctx, `SELECT p.seq, p.published_at, p.id `+from+` ORDER BY `+pl.seq()+` DESC LIMIT ?`,
		with(args, n)...)
	if err != nil {
		return nil, false, fmt.Errorf("matches added last: %w", err)
	}
	type match struct {
		seq       int64
		published sql.NullInt64
		id        string
	}
	var last []match
	for rows.Next() {
		var m match
		if err := rows.Scan(&m.seq, &m.published, &m.id); err != nil {
			rows.Close()
			return nil, false, err
		}
		last = append(last, m)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, false, err
	}
	if len(last) < n {
		return nil, false, nil // not that many matches after all: sort them
	}
	oldest := slices.MinFunc(last, func(a, b match) int { return int(a.seq - b.seq) }).seq
	// newest: published_at DESC (no time last), then id.
	slices.SortFunc(last, func(a, b match) int {
		switch {
		case a.published.Valid != b.published.Valid:
			if a.published.Valid {
				return -1
			}
			return 1
		case a.published.Int64 != b.published.Int64:
			if a.published.Int64 > b.published.Int64 {
				return -1
			}
			return 1
		}
		return strings.Compare(a.id, b.id)
	})
	bound := last[n-1]
	if !bound.published.Valid {
		return nil, false, nil
	}
	unmatched := pl
	unmatched.match = ""
	before, beforeArgs := unmatched.from()
	var one int
	err = rtx.QueryRowContext(ctx, `SELECT 1 `+before+` AND p.seq < ? AND p.published_at >= ?
		AND (p.published_at > ? OR p.id < ?) LIMIT 1`,
		with(beforeArgs, oldest, bound.published.Int64, bound.published.Int64, bound.id)...).Scan(&one)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return nil, false, fmt.Errorf("premieres published out of order: %w", err)
	default:
		return nil, false, nil // one was: sort every match
	}
	page := make([]int64, 0, pl.limit)
	for _, m := range last[pl.offset:] {
		page = append(page, m.seq)
	}
	return page, true, nil
}
