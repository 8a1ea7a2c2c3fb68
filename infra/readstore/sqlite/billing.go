package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain/money"
	"github.com/chance-video/chance/readmodel"
)

// Balances and payments (accounts_v1), and the billing history (ledger_v1).

const upsertBalance = `INSERT INTO balances (user_id, balance) VALUES (?, ?)
	ON CONFLICT (user_id) DO UPDATE SET balance = excluded.balance`

const upsertPayment = `INSERT INTO payments (id, user_id, kind, purpose, amount, status, reason, premiere_id, rental_id, created_at)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
	ON CONFLICT (id) DO UPDATE SET user_id = excluded.user_id, kind = excluded.kind, purpose = excluded.purpose,
		amount = excluded.amount, status = excluded.status, reason = excluded.reason,
		premiere_id = excluded.premiere_id, rental_id = excluded.rental_id, created_at = excluded.created_at`

const selectPayment = `SELECT id, user_id, kind, purpose, amount, status, reason, premiere_id, rental_id, created_at
	FROM payments WHERE id = ?`

// insertLedgerEntry ignores an entry whose event id (or position) is already recorded:
// a redelivered message is the same entry.
const insertLedgerEntry = `INSERT INTO ledger (position, event_id, user_id, kind, purpose, amount, balance_after,
	payment_id, rental_id, occurred_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
	ON CONFLICT DO NOTHING`

const ledgerColumns = `position, event_id, user_id, kind, purpose, amount, balance_after, payment_id, rental_id, occurred_at`

func (t *tx) PutBalance(ctx context.Context, user uuid.UUID, balance money.Kopecks) error {
	if err := t.allow(Accounts, "PutBalance"); err != nil {
		return err
	}
	if err := t.exec(ctx, upsertBalance, uuidArg(user), int64(balance)); err != nil {
		return fmt.Errorf("put balance of %s: %w", user, err)
	}
	return nil
}

func (t *tx) PutPayment(ctx context.Context, p readmodel.Payment) error {
	if err := t.allow(Accounts, "PutPayment"); err != nil {
		return err
	}
	created, err := timeArg(p.CreatedAt)
	if err != nil {
		return fmt.Errorf("put payment %s: %w", p.ID, err)
	}
	err = t.exec(ctx, upsertPayment, uuidArg(p.ID), uuidArg(p.UserID), p.Kind, p.Purpose, int64(p.Amount),
		p.Status, p.Reason, uuidArg(p.PremiereID), uuidArg(p.RentalID), created)
	if err != nil {
		return fmt.Errorf("put payment %s: %w", p.ID, err)
	}
	return nil
}

func (t *tx) Payment(ctx context.Context, id uuid.UUID) (readmodel.Payment, bool, error) {
	if err := t.allow(Accounts, "Payment"); err != nil {
		return readmodel.Payment{}, false, err
	}
	row, err := t.queryRow(ctx, selectPayment, uuidArg(id))
	if err != nil {
		return readmodel.Payment{}, false, fmt.Errorf("payment %s: %w", id, err)
	}
	return onePayment(row, id)
}

func (t *tx) AddLedgerEntry(ctx context.Context, e readmodel.LedgerEntry) error {
	if err := t.allow(Ledger, "AddLedgerEntry"); err != nil {
		return err
	}
	pos, err := positionArg(e.Position)
	if err != nil {
		return fmt.Errorf("add ledger entry %s: %w", e.EventID, err)
	}
	occurred, err := timeArg(e.OccurredAt)
	if err != nil {
		return fmt.Errorf("add ledger entry %s: %w", e.EventID, err)
	}
	err = t.exec(ctx, insertLedgerEntry, pos, uuidArg(e.EventID), uuidArg(e.UserID), e.Kind, e.Purpose,
		int64(e.Amount), int64(e.BalanceAfter), uuidArg(e.PaymentID), uuidArg(e.RentalID), occurred)
	if err != nil {
		return fmt.Errorf("add ledger entry %s: %w", e.EventID, err)
	}
	return nil
}

// Balance is a customer's balance; 0 for a customer with no account yet.
func (s *Store) Balance(ctx context.Context, user uuid.UUID) (money.Kopecks, error) {
	g, release, err := s.serving(Accounts)
	if err != nil {
		return 0, err
	}
	defer release()
	var balance int64
	err = g.read.QueryRowContext(ctx, `SELECT balance FROM balances WHERE user_id = ?`, uuidArg(user)).Scan(&balance)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("balance of %s: %w", user, err)
	}
	return money.Kopecks(balance), nil
}

func (s *Store) Payment(ctx context.Context, id uuid.UUID) (readmodel.Payment, bool, error) {
	g, release, err := s.serving(Accounts)
	if err != nil {
		return readmodel.Payment{}, false, err
	}
	defer release()
	return onePayment(g.read.QueryRowContext(ctx, selectPayment, uuidArg(id)), id)
}

// Ledger reads billing history in log order. Zero fields of q do not filter; a Limit of
// zero or less returns every matching line.
func (s *Store) Ledger(ctx context.Context, q readmodel.LedgerQuery) ([]readmodel.LedgerEntry, error) {
	g, release, err := s.serving(Ledger)
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
	var out []readmodel.LedgerEntry
	for rows.Next() {
		var (
			e                  readmodel.LedgerEntry
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

func onePayment(row *sql.Row, id uuid.UUID) (readmodel.Payment, bool, error) {
	var (
		p       readmodel.Payment
		amount  int64
		created sql.NullInt64
	)
	err := row.Scan(scanUUID(&p.ID, "id"), scanUUID(&p.UserID, "user_id"), &p.Kind, &p.Purpose, &amount, &p.Status,
		&p.Reason, scanUUID(&p.PremiereID, "premiere_id"), scanUUID(&p.RentalID, "rental_id"), &created)
	if errors.Is(err, sql.ErrNoRows) {
		return readmodel.Payment{}, false, nil
	}
	if err != nil {
		return readmodel.Payment{}, false, fmt.Errorf("payment %s: %w", id, err)
	}
	p.Amount, p.CreatedAt = money.Kopecks(amount), timeCol(created)
	return p, true, nil
}
