package readsqlite

import (
	"context"
	"fmt"
	"strings"
)

// rowsPerInsert is how many rows one batched INSERT writes. Each statement executed
// costs database/sql's and the driver's round trip and a VDBE start whatever it
// writes; 64 rows share one. (10 columns × 64 rows stays far below SQLite's limit of
// 32,766 parameters.)
const rowsPerInsert = 64

// batchedInsert is an INSERT a transaction collects rows for and writes rowsPerInsert
// at a time, when it commits or before it reads. Rows are written in the order they
// were added, so an upsert of the same key twice ends as the second.
type batchedInsert struct {
	width int    // columns per row
	one   string // the statement for one row (those left over after full batches)
	many  string // the statement for rowsPerInsert rows
}

// newBatchedInsert: head is "INSERT INTO t (cols)", tail what follows the VALUES (an
// ON CONFLICT clause), width the number of columns.
func newBatchedInsert(head, tail string, width int) batchedInsert {
	row := "(" + strings.TrimSuffix(strings.Repeat("?, ", width), ", ") + ")"
	rows := func(n int) string {
		return head + " VALUES " + strings.TrimSuffix(strings.Repeat(row+", ", n), ", ") + " " + tail
	}
	return batchedInsert{width: width, one: rows(1), many: rows(rowsPerInsert)}
}

// statements are the two statements a file prepares for b.
func (b batchedInsert) statements() []string { return []string{b.one, b.many} }

// pendingRows are the rows a transaction holds for one batchedInsert.
type pendingRows struct {
	insert batchedInsert
	args   []any // width values per row
}

// add holds a row of t for b, to be written by t.flush.
func (t *tx) add(b batchedInsert, row ...any) {
	if len(row) != b.width {
		panic(fmt.Sprintf("%s: a row of %d values for %d columns", firstLine(b.one), len(row), b.width))
	}
	p, ok := t.pending[b.one]
	if !ok {
		p = &pendingRows{insert: b}
		t.pending[b.one] = p
		t.pendingOrder = append(t.pendingOrder, b.one)
	}
	p.args = append(p.args, row...)
}

// folded is a map t keeps for one model until it flushes, such as each account's last
// balance: write turns it into rows then.
func folded[K comparable, V any](t *tx, name string, write func(m map[K]V)) map[K]V {
	if m, ok := t.folds[name]; ok {
		return m.(map[K]V)
	}
	m := map[K]V{}
	t.folds[name] = m
	t.flushers = append(t.flushers, func() { write(m) })
	return m
}

// flush writes the rows t holds. Update calls it before the checkpoint; a write port
// that reads its own tables calls it first, so that it reads what the transaction wrote.
func (t *tx) flush(ctx context.Context) error {
	for _, write := range t.flushers {
		write()
	}
	clear(t.folds)
	t.flushers = t.flushers[:0]
	for _, key := range t.pendingOrder {
		p := t.pending[key]
		full := p.insert.width * rowsPerInsert
		args := p.args
		for ; len(args) >= full; args = args[full:] {
			if err := t.exec(ctx, p.insert.many, args[:full]...); err != nil {
				return err
			}
		}
		for ; len(args) > 0; args = args[p.insert.width:] {
			if err := t.exec(ctx, p.insert.one, args[:p.insert.width]...); err != nil {
				return err
			}
		}
	}
	clear(t.pending)
	t.pendingOrder = t.pendingOrder[:0]
	return nil
}
