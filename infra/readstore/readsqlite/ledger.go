package readsqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain/money"
	"github.com/chance-video/chance/projections"
	"github.com/chance-video/chance/readmodel/ledger"
)

// The billing history.

var _ = register(model{
	name: ledger.Name,
	schema: []string{
		// position is the log's order and the rowid; a duplicate event id is ignored.
		`CREATE TABLE ledger (
			position      INTEGER PRIMARY KEY,
			event_id      TEXT    NOT NULL UNIQUE,
			user_id       TEXT    NOT NULL,
			kind          TEXT    NOT NULL,
			purpose       TEXT    NOT NULL,
			amount        INTEGER NOT NULL,
			balance_after INTEGER NOT NULL,
			payment_id    TEXT    NOT NULL,
			rental_id     TEXT    NOT NULL,
			occurred_at   INTEGER
		)`,
		`CREATE INDEX ledger_by_user ON ledger (user_id, position)`,
		`CREATE INDEX ledger_by_time ON ledger (occurred_at)`,
		// How far each account stream is applied (read-your-writes on the bus).
		`CREATE TABLE ledger_streams (
			stream_id TEXT    PRIMARY KEY,
			revision  INTEGER NOT NULL
		)`,
	},
	statements: slices.Concat(addLedgerEntries.statements(), putLedgerStreams.statements()),
	writes:     func(t *tx) projections.Writes { return ledgerWrites{t} },
})

// ledgerWrites is ledger.Writes on a transaction of the ledger file.
type ledgerWrites struct{ t *tx }

var (
	_ ledger.Writes = ledgerWrites{}
	_ ledger.Reads  = (*Store)(nil)
)

// addLedgerEntries ignores an entry whose event id (or position) is already recorded:
// a redelivered message is the same entry. Written in batches (rowbatch.go).
var addLedgerEntries = newBatchedInsert(`INSERT INTO ledger (position, event_id, user_id, kind, purpose, amount, balance_after,
	payment_id, rental_id, occurred_at)`, `ON CONFLICT DO NOTHING`, 10)

const ledgerColumns = `position, event_id, user_id, kind, purpose, amount, balance_after, payment_id, rental_id, occurred_at`

func (w ledgerWrites) AddEntry(ctx context.Context, e ledger.Entry) error {
	pos, err := positionArg(e.Position)
	if err != nil {
		return fmt.Errorf("add ledger entry %s: %w", e.EventID, err)
	}
	occurred, err := timeArg(e.OccurredAt)
	if err != nil {
		return fmt.Errorf("add ledger entry %s: %w", e.EventID, err)
	}
	w.t.add(addLedgerEntries, pos, uuidArg(e.EventID), uuidArg(e.UserID), e.Kind, e.Purpose,
		int64(e.Amount), int64(e.BalanceAfter), uuidArg(e.PaymentID), uuidArg(e.RentalID), occurred)
	return nil
}

// putLedgerStreams keeps the highest revision applied: a redelivered event is older.
var putLedgerStreams = newBatchedInsert(`INSERT INTO ledger_streams (stream_id, revision)`,
	`ON CONFLICT (stream_id) DO UPDATE SET revision = max(revision, excluded.revision)`, 2)

// Applied keeps the highest revision of each stream in memory until the transaction
// flushes: one row written per stream of the batch.
func (w ledgerWrites) Applied(ctx context.Context, stream string, revision uint64) error {
	rev, err := positionArg(revision)
	if err != nil {
		return fmt.Errorf("ledger: %s applied to %d: %w", stream, revision, err)
	}
	applied := folded(w.t, ledger.Name+".streams", func(m map[string]int64) {
		for stream, rev := range m {
			w.t.add(putLedgerStreams, stream, rev)
		}
	})
	applied[stream] = max(applied[stream], rev)
	return nil
}

// AppliedRevision is the highest revision of stream applied to the billing history.
func (s *Store) AppliedRevision(ctx context.Context, stream string) (uint64, bool, error) {
	g, release, err := s.serving(ledger.Name)
	if err != nil {
		return 0, false, err
	}
	defer release()
	var rev int64
	err = g.read.QueryRowContext(ctx, `SELECT revision FROM ledger_streams WHERE stream_id = ?`, stream).Scan(&rev)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return 0, false, nil
	case err != nil:
		return 0, false, fmt.Errorf("ledger: revision of %s: %w", stream, err)
	}
	return uint64(rev), true, nil
}

// Ledger reads billing history in log order. Zero fields of q do not filter; a Limit of
// zero or less returns every matching line.
func (s *Store) Ledger(ctx context.Context, q ledger.Query) ([]ledger.Entry, error) {
	g, release, err := s.serving(ledger.Name)
	if err != nil {
		return nil, err
	}
	defer release()
	where, args := []string{`1 = 1`}, []any{}
	if q.After > 0 {
		after, err := positionArg(q.After)
		if err != nil {
			return nil, fmt.Errorf("ledger: after: %w", err)
		}
		where = append(where, `position > ?`)
		args = append(args, after)
	}
	if q.UserID != uuid.Nil {
		where = append(where, `user_id = ?`)
		args = append(args, uuidArg(q.UserID))
	}
	if !q.From.IsZero() {
		from, err := timeArg(q.From)
		if err != nil {
			return nil, fmt.Errorf("ledger: from: %w", err)
		}
		where = append(where, `occurred_at >= ?`)
		args = append(args, from)
	}
	if !q.To.IsZero() {
		to, err := timeArg(q.To)
		if err != nil {
			return nil, fmt.Errorf("ledger: to: %w", err)
		}
		where = append(where, `occurred_at < ?`)
		args = append(args, to)
	}
	query := `SELECT ` + ledgerColumns + ` FROM ledger WHERE ` + strings.Join(where, " AND ") + ` ORDER BY position LIMIT ?`
	rows, err := g.read.QueryContext(ctx, query, append(args, noLimit(q.Limit))...)
	if err != nil {
		return nil, fmt.Errorf("ledger: %w", err)
	}
	defer rows.Close()
	var out []ledger.Entry
	for rows.Next() {
		var (
			e                  ledger.Entry
			pos, amount, after int64
			occurred           sql.NullInt64
		)
		err := rows.Scan(&pos, scanUUID(&e.EventID, "event_id"), scanUUID(&e.UserID, "user_id"), &e.Kind, &e.Purpose,
			&amount, &after, scanUUID(&e.PaymentID, "payment_id"), scanUUID(&e.RentalID, "rental_id"), &occurred)
		if err != nil {
			return nil, fmt.Errorf("ledger: %w", err)
		}
		e.Position, e.Amount, e.BalanceAfter, e.OccurredAt = uint64(pos), money.Kopecks(amount), money.Kopecks(after), timeCol(occurred)
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("ledger: %w", err)
	}
	return out, nil
}
