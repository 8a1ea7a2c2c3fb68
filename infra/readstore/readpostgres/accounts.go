package readpostgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/chance-video/chance/domain/money"
	"github.com/chance-video/chance/readmodel/accounts"
)

// Balances and payments.

var _ = register(model{
	name: accounts.Name,
	layout: `CREATE TABLE balances (
    user_id uuid   PRIMARY KEY,
    balance bigint NOT NULL
);

CREATE TABLE payments (
    id          uuid   PRIMARY KEY,
    user_id     uuid   NOT NULL,
    kind        text   NOT NULL,
    purpose     text   NOT NULL,
    amount      bigint NOT NULL,
    status      text   NOT NULL,
    reason      text   NOT NULL,
    premiere_id uuid   NOT NULL,
    rental_id   uuid   NOT NULL,
    created_at  timestamptz,
    confirmation_url text NOT NULL,
    expires_at  timestamptz
);

-- The scheduler's question: pending top-ups by expiry (few rows: only pending ones).
CREATE INDEX payments_pending_expiry ON payments (expires_at) WHERE status = 'pending';
`,
	writes: func(t *tx) modelWrites { return &accountWrites{t: t} },
})

// accountWrites is accounts.Writes on one Update: balances and payments put, buffered
// until commit.
type accountWrites struct {
	t        *tx
	balances buffer[uuid.UUID, balance]
	payments buffer[uuid.UUID, accounts.Payment]
}

type balance struct {
	user    uuid.UUID
	balance money.Kopecks
}

var (
	_ accounts.Writes = (*accountWrites)(nil)
	_ accounts.Reads  = (*Store)(nil)
)

func (w *accountWrites) flush(b *pgx.Batch) error {
	if err := w.flushBalances(b); err != nil {
		return err
	}
	return w.flushPayments(b)
}

const upsertBalances = `INSERT INTO {s}.balances (user_id, balance)
	SELECT * FROM unnest($1::uuid[], $2::bigint[])
	ON CONFLICT (user_id) DO UPDATE SET balance = excluded.balance`

const upsertPayments = `INSERT INTO {s}.payments (id, user_id, kind, purpose, amount, status, reason, premiere_id, rental_id, created_at,
		confirmation_url, expires_at)
	SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::bigint[], $6::text[], $7::text[],
		$8::uuid[], $9::uuid[], $10::timestamptz[], $11::text[], $12::timestamptz[])
	ON CONFLICT (id) DO UPDATE SET user_id = excluded.user_id, kind = excluded.kind, purpose = excluded.purpose,
		amount = excluded.amount, status = excluded.status, reason = excluded.reason,
		premiere_id = excluded.premiere_id, rental_id = excluded.rental_id, created_at = excluded.created_at,
		confirmation_url = excluded.confirmation_url, expires_at = excluded.expires_at`

const paymentColumns = `id, user_id, kind, purpose, amount, status, reason, premiere_id, rental_id, created_at, confirmation_url, expires_at`

const selectPayment = `SELECT ` + paymentColumns + ` FROM {s}.payments WHERE id = $1`

const pendingTopUpsDue = `SELECT ` + paymentColumns + ` FROM {s}.payments
	WHERE status = 'pending' AND expires_at <= $1 ORDER BY expires_at, id LIMIT $2`

func (w *accountWrites) PutBalance(ctx context.Context, user uuid.UUID, b money.Kopecks) error {
	w.balances.put(user, balance{user: user, balance: b})
	return nil
}

func (w *accountWrites) PutPayment(ctx context.Context, p accounts.Payment) error {
	w.payments.put(p.ID, p)
	return nil
}

func (w *accountWrites) Payment(ctx context.Context, id uuid.UUID) (accounts.Payment, bool, error) {
	if p, ok := w.payments.get(id); ok {
		return p, true, nil
	}
	return onePayment(w.t.queryRow(ctx, selectPayment, uuidArg(id)), id)
}

func (w *accountWrites) flushBalances(b *pgx.Batch) error {
	if w.balances.len() == 0 {
		return nil
	}
	users, amounts := make([][16]byte, 0, w.balances.len()), make([]int64, 0, w.balances.len())
	w.balances.each(func(r balance) {
		users = append(users, uuidArg(r.user))
		amounts = append(amounts, int64(r.balance))
	})
	b.Queue(w.t.gen.sql(upsertBalances), users, amounts)
	return nil
}

func (w *accountWrites) flushPayments(b *pgx.Batch) error {
	n := w.payments.len()
	if n == 0 {
		return nil
	}
	var (
		ids, users, premieres, rentals     = make([][16]byte, 0, n), make([][16]byte, 0, n), make([][16]byte, 0, n), make([][16]byte, 0, n)
		kinds, purposes, statuses, reasons = make([]string, 0, n), make([]string, 0, n), make([]string, 0, n), make([]string, 0, n)
		amounts                            = make([]int64, 0, n)
		created, expires                   = make([]pgtype.Timestamptz, 0, n), make([]pgtype.Timestamptz, 0, n)
		urls                               = make([]string, 0, n)
	)
	w.payments.each(func(p accounts.Payment) {
		ids, users = append(ids, uuidArg(p.ID)), append(users, uuidArg(p.UserID))
		premieres, rentals = append(premieres, uuidArg(p.PremiereID)), append(rentals, uuidArg(p.RentalID))
		kinds, purposes = append(kinds, p.Kind), append(purposes, p.Purpose)
		statuses, reasons = append(statuses, p.Status), append(reasons, p.Reason)
		amounts = append(amounts, int64(p.Amount))
		created = append(created, timeArg(p.CreatedAt))
		urls, expires = append(urls, p.ConfirmationURL), append(expires, timeArg(p.ExpiresAt))
	})
	b.Queue(w.t.gen.sql(upsertPayments), ids, users, kinds, purposes, amounts, statuses, reasons, premieres, rentals, created, urls, expires)
	return nil
}

// Balance is a customer's balance; 0 for a customer with no account yet.
func (s *Store) Balance(ctx context.Context, user uuid.UUID) (money.Kopecks, error) {
	var b int64
	err := s.read(ctx, accounts.Name, func(g *generation) error {
		err := s.pool.QueryRow(ctx, g.sql(`SELECT balance FROM {s}.balances WHERE user_id = $1`), uuidArg(user)).Scan(&b)
		if errors.Is(err, pgx.ErrNoRows) {
			b = 0
			return nil
		}
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("balance of %s: %w", user, err)
	}
	return money.Kopecks(b), nil
}

func (s *Store) Payment(ctx context.Context, id uuid.UUID) (p accounts.Payment, found bool, err error) {
	err = s.read(ctx, accounts.Name, func(g *generation) error {
		p, found, err = onePayment(s.pool.QueryRow(ctx, g.sql(selectPayment), uuidArg(id)), id)
		return err
	})
	return p, found, err
}

// PendingTopUpsDue returns up to limit pending top-ups (all if limit ≤ 0) expired at now.
func (s *Store) PendingTopUpsDue(ctx context.Context, now time.Time, limit int) (out []accounts.Payment, err error) {
	err = s.read(ctx, accounts.Name, func(g *generation) error {
		rows, err := s.pool.Query(ctx, g.sql(pendingTopUpsDue), timeArg(now), limitArg(limit))
		if err != nil {
			return err
		}
		out, err = collect(rows, scanPayment)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("pending top-ups due at %s: %w", now, err)
	}
	return out, nil
}

func onePayment(row pgx.Row, id uuid.UUID) (accounts.Payment, bool, error) {
	p, err := scanPayment(row)
	if errors.Is(err, pgx.ErrNoRows) {
		return accounts.Payment{}, false, nil
	}
	if err != nil {
		return accounts.Payment{}, false, fmt.Errorf("payment %s: %w", id, err)
	}
	return p, true, nil
}

func scanPayment(s scanner) (accounts.Payment, error) {
	var (
		p                accounts.Payment
		amount           int64
		created, expires pgtype.Timestamptz
	)
	err := s.Scan(&p.ID, &p.UserID, &p.Kind, &p.Purpose, &amount, &p.Status, &p.Reason, &p.PremiereID, &p.RentalID, &created,
		&p.ConfirmationURL, &expires)
	p.Amount, p.CreatedAt, p.ExpiresAt = money.Kopecks(amount), timeCol(created), timeCol(expires)
	return p, err
}
