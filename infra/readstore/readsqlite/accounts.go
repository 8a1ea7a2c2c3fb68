package readsqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain/money"
	"github.com/chance-video/chance/projections"
	"github.com/chance-video/chance/readmodel/accounts"
)

// Balances and payments.

var _ = register(model{
	name: accounts.Name,
	schema: []string{
		`CREATE TABLE balances (
			user_id TEXT PRIMARY KEY,
			balance INTEGER NOT NULL
		) WITHOUT ROWID`,
		`CREATE TABLE payments (
			id          TEXT PRIMARY KEY,
			user_id     TEXT    NOT NULL,
			kind        TEXT    NOT NULL,
			purpose     TEXT    NOT NULL,
			amount      INTEGER NOT NULL,
			status      TEXT    NOT NULL,
			reason      TEXT    NOT NULL,
			premiere_id TEXT    NOT NULL,
			rental_id   TEXT    NOT NULL,
			created_at  INTEGER,
			confirmation_url TEXT NOT NULL,
			expires_at  INTEGER
		) WITHOUT ROWID`,
		// The scheduler's question: pending top-ups by expiry (few rows: only pending ones).
		`CREATE INDEX payments_pending_expiry ON payments (expires_at) WHERE status = 'pending'`,
	},
	statements: slices.Concat(putBalances.statements(), putPayments.statements(), []string{selectPayment}),
	writes:     func(t *tx) projections.Writes { return accountWrites{t} },
})

// accountWrites is accounts.Writes on a transaction of the accounts file.
type accountWrites struct{ t *tx }

var (
	_ accounts.Writes = accountWrites{}
	_ accounts.Reads  = (*Store)(nil)
)

// putBalances and putPayments are written in batches (rowbatch.go): a rebuild's
// transaction of thousands of events is tens of statements, not thousands.
var (
	putBalances = newBatchedInsert(`INSERT INTO balances (user_id, balance)`,
		`ON CONFLICT (user_id) DO UPDATE SET balance = excluded.balance`, 2)
	putPayments = newBatchedInsert(`INSERT INTO payments (`+paymentColumns+`)`,
		`ON CONFLICT (id) DO UPDATE SET user_id = excluded.user_id, kind = excluded.kind, purpose = excluded.purpose,
		amount = excluded.amount, status = excluded.status, reason = excluded.reason,
		premiere_id = excluded.premiere_id, rental_id = excluded.rental_id, created_at = excluded.created_at,
		confirmation_url = excluded.confirmation_url, expires_at = excluded.expires_at`, 12)
)

const paymentColumns = `id, user_id, kind, purpose, amount, status, reason, premiere_id, rental_id, created_at, confirmation_url, expires_at`

const selectPayment = `SELECT ` + paymentColumns + ` FROM payments WHERE id = ?`

// PutBalance keeps the account's balance in memory until the transaction flushes: of
// a batch of top-ups to one account only the last balance is written.
func (w accountWrites) PutBalance(ctx context.Context, user uuid.UUID, balance money.Kopecks) error {
	balances := folded(w.t, accounts.Name+".balances", func(m map[uuid.UUID]money.Kopecks) {
		for user, balance := range m {
			w.t.add(putBalances, uuidArg(user), int64(balance))
		}
	})
	balances[user] = balance
	return nil
}

func (w accountWrites) PutPayment(ctx context.Context, p accounts.Payment) error {
	created, err := timeArg(p.CreatedAt)
	if err != nil {
		return fmt.Errorf("put payment %s: %w", p.ID, err)
	}
	expires, err := timeArg(p.ExpiresAt)
	if err != nil {
		return fmt.Errorf("put payment %s: %w", p.ID, err)
	}
	w.t.add(putPayments, uuidArg(p.ID), uuidArg(p.UserID), p.Kind, p.Purpose, int64(p.Amount),
		p.Status, p.Reason, uuidArg(p.PremiereID), uuidArg(p.RentalID), created, p.ConfirmationURL, expires)
	return nil
}

// Payment reads a payment as this transaction left it: what it holds is written first.
func (w accountWrites) Payment(ctx context.Context, id uuid.UUID) (accounts.Payment, bool, error) {
	if err := w.t.flush(ctx); err != nil {
		return accounts.Payment{}, false, fmt.Errorf("payment %s: %w", id, err)
	}
	row, err := w.t.queryRow(ctx, selectPayment, uuidArg(id))
	if err != nil {
		return accounts.Payment{}, false, fmt.Errorf("payment %s: %w", id, err)
	}
	return onePayment(row, id)
}

// Balance is a customer's balance; 0 for a customer with no account yet.
func (s *Store) Balance(ctx context.Context, user uuid.UUID) (money.Kopecks, error) {
	g, release, err := s.serving(accounts.Name)
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

func (s *Store) Payment(ctx context.Context, id uuid.UUID) (accounts.Payment, bool, error) {
	g, release, err := s.serving(accounts.Name)
	if err != nil {
		return accounts.Payment{}, false, err
	}
	defer release()
	return onePayment(g.read.QueryRowContext(ctx, selectPayment, uuidArg(id)), id)
}

// PendingTopUpsDue returns up to limit pending top-ups (all if limit ≤ 0) expired at now.
func (s *Store) PendingTopUpsDue(ctx context.Context, now time.Time, limit int) ([]accounts.Payment, error) {
	g, release, err := s.serving(accounts.Name)
	if err != nil {
		return nil, err
	}
	defer release()
	at, err := timeArg(now)
	if err != nil {
		return nil, err
	}
	if limit <= 0 {
		limit = -1
	}
	rows, err := g.read.QueryContext(ctx, `SELECT `+paymentColumns+` FROM payments
		WHERE status = 'pending' AND expires_at <= ? ORDER BY expires_at, id LIMIT ?`, at, limit)
	if err != nil {
		return nil, fmt.Errorf("pending top-ups due: %w", err)
	}
	defer rows.Close()
	var out []accounts.Payment
	for rows.Next() {
		p, err := scanPayment(rows.Scan)
		if err != nil {
			return nil, fmt.Errorf("pending top-ups due: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

func onePayment(row *sql.Row, id uuid.UUID) (accounts.Payment, bool, error) {
	p, err := scanPayment(row.Scan)
	if errors.Is(err, sql.ErrNoRows) {
		return accounts.Payment{}, false, nil
	}
	if err != nil {
		return accounts.Payment{}, false, fmt.Errorf("payment %s: %w", id, err)
	}
	return p, true, nil
}

// scanPayment reads the paymentColumns of a row.
func scanPayment(scan func(dest ...any) error) (accounts.Payment, error) {
	var (
		p                accounts.Payment
		amount           int64
		created, expires sql.NullInt64
	)
	err := scan(scanUUID(&p.ID, "id"), scanUUID(&p.UserID, "user_id"), &p.Kind, &p.Purpose, &amount, &p.Status,
		&p.Reason, scanUUID(&p.PremiereID, "premiere_id"), scanUUID(&p.RentalID, "rental_id"), &created, &p.ConfirmationURL, &expires)
	p.Amount, p.CreatedAt, p.ExpiresAt = money.Kopecks(amount), timeCol(created), timeCol(expires)
	return p, err
}
