package readsqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// A full-text (FTS5) index is a set of segments: every commit that changes it writes a
// new one, and FTS5 merges them a little on each later write (automerge). A bulk write
// (a rebuild, an import) outruns that and leaves some twenty; reading a broad word then
// reads and merges its doclist from each of them: a broad word sorted by price walked in
// 2 ms on one segment and 83 ms on twenty (100,000 premieres). So a shadow's indexes are
// merged into one before it is promoted, and a serving one is merged again in the
// background when it has more than liveSegmentLimit.
//
// Merging is done in steps, each its own short write transaction: the writer's lock is
// released between them, so projector updates keep flowing (one 'optimize' of 100,000
// premieres was seen to hold it for ~11 s).
//
// WARNING: a serving index is merged level by level ('merge' with a positive page count,
// usermerge 2), never all at once (a negative count): an all-levels merge restarts
// whenever a commit adds a segment meanwhile, and under a stream of single-premiere
// commits it never finished while the index grew to FTS5's limit of 2,000 segments.
const (
	// shadowMergePages is a step of a shadow's merge: nothing else writes the shadow.
	shadowMergePages = 2000
	// liveMergePages is a step of a serving index's merge: short, as updates queue behind it.
	liveMergePages = 100
	// liveSegmentLimit: with automerge (4 segments a level) a trickle of edits stays
	// below it; only a burst of writes goes past it.
	liveSegmentLimit = 8
	// maxMergeSteps bounds one merge: a step that merged nothing ends it sooner.
	maxMergeSteps = 100_000
)

// textIndexSettings are run on a text index's file at every open: a 'merge' command
// merges a level holding 2 segments or more (default 4), so that the level-by-level
// merge of a serving index ends with one segment a level.
func textIndexSettings(table string) []string {
	return []string{`INSERT INTO "` + table + `" ("` + table + `", rank) VALUES ('usermerge', 2)`}
}

// ftsStructureRowid is the %_data row holding an FTS5 index's structure record.
const ftsStructureRowid = 10

// textSegments is the number of segments of the FTS5 index table, read from its
// structure record: a 4-byte cookie, a 4-byte marker in the newer format (0xFF 00 00 01),
// then the number of levels and of segments as SQLite varints.
func textSegments(ctx context.Context, q interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}, table string) (int, error) {
	var record []byte
	err := q.QueryRowContext(ctx, `SELECT block FROM "`+table+`_data" WHERE id = ?`, ftsStructureRowid).Scan(&record)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil // an index never written to
	}
	if err != nil {
		return 0, fmt.Errorf("structure of %s: %w", table, err)
	}
	i := 4
	if len(record) >= 8 && record[4] == 0xFF && record[5] == 0 && record[6] == 0 && record[7] == 1 {
		i = 8
	}
	if len(record) < i {
		return 0, fmt.Errorf("structure of %s: %d bytes", table, len(record))
	}
	_, n := sqliteVarint(record[i:]) // levels
	if n == 0 {
		return 0, fmt.Errorf("structure of %s: no level count", table)
	}
	segments, m := sqliteVarint(record[i+n:])
	if m == 0 {
		return 0, fmt.Errorf("structure of %s: no segment count", table)
	}
	return int(segments), nil
}

// sqliteVarint decodes SQLite's big-endian varint (7 bits a byte, a 9th byte of 8); it
// returns the value and its length, 0 if b ends first.
func sqliteVarint(b []byte) (uint64, int) {
	var v uint64
	for i := 0; i < len(b); i++ {
		if i == 8 {
			return v<<8 | uint64(b[i]), 9
		}
		v = v<<7 | uint64(b[i]&0x7f)
		if b[i] < 0x80 {
			return v, i + 1
		}
	}
	return 0, 0
}

// mergeText merges the FTS5 index table of f down to at most `until` segments (one
// merges it fully), a step of |pages| pages at a time (negative: all levels together, for
// a shadow only, see the WARNING above); each step is its own transaction on the write
// connection. hold, if not nil, runs before each step and may stop the merge (false);
// the step runs before its release. It returns how many steps it ran.
func mergeText(ctx context.Context, f *file, table string, until, pages int, hold func() (release func(), ok bool)) (int, error) {
	for steps := 0; steps < maxMergeSteps; steps++ {
		if err := ctx.Err(); err != nil {
			return steps, err
		}
		release := func() {}
		if hold != nil {
			var ok bool
			if release, ok = hold(); !ok {
				return steps, nil
			}
		}
		done, err := mergeTextStep(ctx, f, table, until, pages)
		release()
		if err != nil || done {
			return steps, err
		}
	}
	return maxMergeSteps, nil
}

// mergeTextStep runs one step unless the index has `until` segments or fewer; done
// reports that it has, or that the step found nothing to merge.
func mergeTextStep(ctx context.Context, f *file, table string, until, pages int) (done bool, err error) {
	segments, err := textSegments(ctx, f.write, table)
	if err != nil || segments <= until {
		return true, err
	}
	merged, err := mergeStep(ctx, f, table, pages)
	return !merged, err
}

// mergeLive merges the text indexes of g, the serving generation of projection, in
// the background when they have more than liveSegmentLimit segments; one merge at a
// time per generation. Each step holds g in flight and stops once g no longer serves
// (a promote, Close). A failed step is dropped: the index stays correct, only slower,
// and the next Update tries again.
func (s *Store) mergeLive(p *projection, g *generation) {
	tables := modelOf(p.Name()).textIndexes
	if len(tables) == 0 || !g.merging.CompareAndSwap(false, true) {
		return
	}
	s.merges.Add(1)
	go func() {
		defer s.merges.Done()
		defer g.merging.Store(false)
		hold := func() (func(), bool) {
			serving, release, err := p.Acquire()
			if err != nil || serving != g {
				if err == nil {
					release()
				}
				return nil, false
			}
			return release, true
		}
		for _, table := range tables {
			release, ok := hold()
			if !ok {
				return
			}
			segments, err := textSegments(context.Background(), g.write, table)
			release()
			if err != nil || segments <= liveSegmentLimit {
				continue
			}
			mergeText(context.Background(), g.file, table, 1, liveMergePages, hold) //nolint:errcheck // see above
		}
	}()
}

// mergeStep writes up to |pages| pages of merged segments: of the levels holding
// usermerge segments or more, or, for a negative count, of every level together. It
// reports whether it merged anything (FTS5's own test: total_changes grew by 2 or more).
func mergeStep(ctx context.Context, f *file, table string, pages int) (bool, error) {
	conn, err := f.write.Conn(ctx)
	if err != nil {
		return false, err
	}
	defer conn.Close()
	var before, after int64
	if err := conn.QueryRowContext(ctx, `SELECT total_changes()`).Scan(&before); err != nil {
		return false, err
	}
	if _, err := conn.ExecContext(ctx, `INSERT INTO "`+table+`" ("`+table+`", rank) VALUES ('merge', ?)`, pages); err != nil {
		return false, fmt.Errorf("merge %s: %w", table, err)
	}
	if err := conn.QueryRowContext(ctx, `SELECT total_changes()`).Scan(&after); err != nil {
		return false, err
	}
	return after-before >= 2, nil
}
