package readpostgres

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/chance-video/chance/domain/money"
	"github.com/chance-video/chance/readmodel/ledger"
)

// The billing history.

var _ = register(model{
	name: ledger.Name,
	layout: `-- position is the log's order; a second entry with the same event id (or position) is
-- ignored by the writer's ON CONFLICT DO NOTHING.
CREATE TABLE ledger (
    position      bigint PRIMARY KEY,
    event_id      uuid   NOT NULL UNIQUE,
    user_id       uuid   NOT NULL,
    kind          text   NOT NULL,
    purpose       text   NOT NULL,
    amount        bigint NOT NULL,
    balance_after bigint NOT NULL,
    payment_id    uuid   NOT NULL,
    rental_id     uuid   NOT NULL,
    occurred_at   timestamptz
);
CREATE INDEX ledger_by_user ON ledger (user_id, position);
CREATE INDEX ledger_by_time ON ledger (occurred_at);

-- How far each account stream is applied (read-your-writes on the bus).
CREATE TABLE ledger_streams (
    stream_id text   PRIMARY KEY,
    revision  bigint NOT NULL
);
`,
	writes: func(t *tx) modelWrites { return &ledgerWrites{t: t} },
})

// ledgerWrites is ledger.Writes on one Update: the lines added, buffered until commit
// (by event id: the first entry wins).
type ledgerWrites struct {
	t       *tx
	lines   buffer[uuid.UUID, ledger.Entry]
	streams buffer[string, int64] // the highest revision applied in this Update
}

var (
	_ ledger.Writes = (*ledgerWrites)(nil)
	_ ledger.Reads  = (*Store)(nil)
)

// insertLedger ignores an entry whose event id (or position) is already recorded: a
// redelivered message is the same entry. DO NOTHING (unlike DO UPDATE) also accepts two
// rows with one key in the same statement, keeping the first.
const insertLedger = `INSERT INTO {s}.ledger (position, event_id, user_id, kind, purpose, amount, balance_after,
		payment_id, rental_id, occurred_at)
	SELECT * FROM unnest($1::bigint[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::bigint[], $7::bigint[],
		$8::uuid[], $9::uuid[], $10::timestamptz[])
	ON CONFLICT DO NOTHING`

func (w *ledgerWrites) AddEntry(ctx context.Context, e ledger.Entry) error {
	if _, err := positionArg(e.Position); err != nil {
		return fmt.Errorf("add ledger entry %s: %w", e.EventID, err)
	}
	if _, seen := w.lines.get(e.EventID); !seen { // the first entry wins, as in the table
		w.lines.put(e.EventID, e)
	}
	return nil
}

// upsertLedgerStreams keeps the highest revision applied: a redelivered event is older.
const upsertLedgerStreams = `INSERT INTO {s}.ledger_streams (stream_id, revision)
	SELECT * FROM unnest($1::text[], $2::bigint[])
	ON CONFLICT (stream_id) DO UPDATE SET revision = greatest({s}.ledger_streams.revision, excluded.revision)`

func (w *ledgerWrites) Applied(_ context.Context, stream string, revision uint64) error {
	rev, err := positionArg(revision)
	if err != nil {
		return fmt.Errorf("ledger: %s applied to %d: %w", stream, revision, err)
	}
	if seen, ok := w.streams.get(stream); !ok || seen < rev {
		w.streams.put(stream, rev)
	}
	return nil
}

// AppliedRevision is the highest revision of stream applied to the billing history.
func (s *Store) AppliedRevision(ctx context.Context, stream string) (uint64, bool, error) {
	var (
		rev   int64
		found bool
	)
	err := s.read(ctx, ledger.Name, func(g *generation) error {
		err := s.pool.QueryRow(ctx, g.sql(`SELECT revision FROM {s}.ledger_streams WHERE stream_id = $1`), stream).Scan(&rev)
		if errors.Is(err, pgx.ErrNoRows) {
			found = false
			return nil
		}
		found = err == nil
		return err
	})
	if err != nil {
		return 0, false, fmt.Errorf("ledger: revision of %s: %w", stream, err)
	}
	return uint64(rev), found, nil
}

func (w *ledgerWrites) flush(b *pgx.Batch) error {
	if n := w.streams.len(); n > 0 {
		streams, revisions := make([]string, 0, n), make([]int64, 0, n)
		for _, stream := range w.streams.order {
			streams, revisions = append(streams, stream), append(revisions, w.streams.rows[stream])
		}
		b.Queue(w.t.gen.sql(upsertLedgerStreams), streams, revisions)
	}
	n := w.lines.len()
	if n == 0 {
		return nil
	}
	var (
		positions, amounts, after  = make([]int64, 0, n), make([]int64, 0, n), make([]int64, 0, n)
		events, users, pays, rents = make([][16]byte, 0, n), make([][16]byte, 0, n), make([][16]byte, 0, n), make([][16]byte, 0, n)
		kinds, purposes            = make([]string, 0, n), make([]string, 0, n)
		occurred                   = make([]pgtype.Timestamptz, 0, n)
	)
	w.lines.each(func(e ledger.Entry) {
		positions = append(positions, int64(e.Position)) // checked by AddEntry
		events, users = append(events, uuidArg(e.EventID)), append(users, uuidArg(e.UserID))
		pays, rents = append(pays, uuidArg(e.PaymentID)), append(rents, uuidArg(e.RentalID))
		kinds, purposes = append(kinds, e.Kind), append(purposes, e.Purpose)
		amounts, after = append(amounts, int64(e.Amount)), append(after, int64(e.BalanceAfter))
		occurred = append(occurred, timeArg(e.OccurredAt))
	})
	b.Queue(w.t.gen.sql(insertLedger), positions, events, users, kinds, purposes, amounts, after, pays, rents, occurred)
	return nil
}

// Ledger reads billing history in log order. Zero fields of q do not filter; a Limit of
// zero or less returns every matching line.
func (s *Store) Ledger(ctx context.Context, q ledger.Query) ([]ledger.Entry, error) {
	var (
		where []string
		args  []any
	)
	add := func(cond string, arg any) {
		args = append(args, arg)
		where = append(where, strings.ReplaceAll(cond, "?", "$"+strconv.Itoa(len(args))))
	}
	if q.After > 0 {
		after, err := positionArg(q.After)
		if err != nil {
			return nil, fmt.Errorf("ledger: after: %w", err)
		}
		add(`position > ?`, after)
	}
	if q.UserID != uuid.Nil {
		add(`user_id = ?`, uuidArg(q.UserID))
	}
	if !q.From.IsZero() {
		add(`occurred_at >= ?`, timeArg(q.From))
	}
	if !q.To.IsZero() {
		add(`occurred_at < ?`, timeArg(q.To))
	}
	query := `SELECT position, event_id, user_id, kind, purpose, amount, balance_after, payment_id, rental_id, occurred_at
		FROM {s}.ledger`
	if len(where) > 0 {
		query += ` WHERE ` + strings.Join(where, " AND ")
	}
	args = append(args, limitArg(q.Limit))
	query += ` ORDER BY position LIMIT $` + strconv.Itoa(len(args))

	var out []ledger.Entry
	err := s.read(ctx, ledger.Name, func(g *generation) error {
		rows, err := s.pool.Query(ctx, g.sql(query), args...)
		if err != nil {
			return err
		}
		out, err = collect(rows, scanLedgerEntry)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("ledger: %w", err)
	}
	return out, nil
}

func scanLedgerEntry(r scanner) (ledger.Entry, error) {
	var (
		e                  ledger.Entry
		pos, amount, after int64
		occurred           pgtype.Timestamptz
	)
	err := r.Scan(&pos, &e.EventID, &e.UserID, &e.Kind, &e.Purpose, &amount, &after, &e.PaymentID, &e.RentalID, &occurred)
	e.Position, e.Amount, e.BalanceAfter, e.OccurredAt = uint64(pos), money.Kopecks(amount), money.Kopecks(after), timeCol(occurred)
	return e, err
}
