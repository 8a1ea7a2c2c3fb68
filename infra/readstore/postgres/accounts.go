package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/chance-video/chance/domain/money"
	"github.com/chance-video/chance/readmodel"
)

// Balances and payments (accounts_v1).

const upsertBalances = `INSERT INTO {s}.balances (user_id, balance)
	SELECT * FROM unnest($1::uuid[], $2::bigint[])
	ON CONFLICT (user_id) DO UPDATE SET balance = excluded.balance`

const upsertPayments = `INSERT INTO {s}.payments (id, user_id, kind, purpose, amount, status, reason, premiere_id, rental_id, created_at)
	SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::bigint[], $6::text[], $7::text[],
		$8::uuid[], $9::uuid[], $10::timestamptz[])
	ON CONFLICT (id) DO UPDATE SET user_id = excluded.user_id, kind = excluded.kind, purpose = excluded.purpose,
		amount = excluded.amount, status = excluded.status, reason = excluded.reason,
		premiere_id = excluded.premiere_id, rental_id = excluded.rental_id, created_at = excluded.created_at`

const selectPayment = `SELECT id, user_id, kind, purpose, amount, status, reason, premiere_id, rental_id, created_at
	FROM {s}.payments WHERE id = $1`

func (t *tx) PutBalance(ctx context.Context, user uuid.UUID, b money.Kopecks) error {
	if err := t.allow(Accounts, "PutBalance"); err != nil {
		return err
	}
	t.balances.put(user, balance{user: user, balance: b})
	return nil
}

func (t *tx) PutPayment(ctx context.Context, p readmodel.Payment) error {
	if err := t.allow(Accounts, "PutPayment"); err != nil {
		return err
	}
	t.payments.put(p.ID, p)
	return nil
}

func (t *tx) Payment(ctx context.Context, id uuid.UUID) (readmodel.Payment, bool, error) {
	if err := t.allow(Accounts, "Payment"); err != nil {
		return readmodel.Payment{}, false, err
	}
	if p, ok := t.payments.get(id); ok {
		return p, true, nil
	}
	return onePayment(t.queryRow(ctx, selectPayment, uuidArg(id)), id)
}

func (t *tx) flushBalances(b *pgx.Batch) error {
	if t.balances.len() == 0 {
		return nil
	}
	users, amounts := make([][16]byte, 0, t.balances.len()), make([]int64, 0, t.balances.len())
	t.balances.each(func(r balance) {
		users = append(users, uuidArg(r.user))
		amounts = append(amounts, int64(r.balance))
	})
	b.Queue(t.gen.sql(upsertBalances), users, amounts)
	return nil
}

func (t *tx) flushPayments(b *pgx.Batch) error {
	n := t.payments.len()
	if n == 0 {
		return nil
	}
	var (
		ids, users, premieres, rentals     = make([][16]byte, 0, n), make([][16]byte, 0, n), make([][16]byte, 0, n), make([][16]byte, 0, n)
		kinds, purposes, statuses, reasons = make([]string, 0, n), make([]string, 0, n), make([]string, 0, n), make([]string, 0, n)
		amounts                            = make([]int64, 0, n)
		created                            = make([]pgtype.Timestamptz, 0, n)
	)
	t.payments.each(func(p readmodel.Payment) {
		ids, users = append(ids, uuidArg(p.ID)), append(users, uuidArg(p.UserID))
		premieres, rentals = append(premieres, uuidArg(p.PremiereID)), append(rentals, uuidArg(p.RentalID))
		kinds, purposes = append(kinds, p.Kind), append(purposes, p.Purpose)
		statuses, reasons = append(statuses, p.Status), append(reasons, p.Reason)
		amounts = append(amounts, int64(p.Amount))
		created = append(created, timeArg(p.CreatedAt))
	})
	b.Queue(t.gen.sql(upsertPayments), ids, users, kinds, purposes, amounts, statuses, reasons, premieres, rentals, created)
	return nil
}

// Balance is a customer's balance; 0 for a customer with no account yet.
func (s *Store) Balance(ctx context.Context, user uuid.UUID) (money.Kopecks, error) {
	var b int64
	err := s.read(ctx, Accounts, func(g *generation) error {
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

func (s *Store) Payment(ctx context.Context, id uuid.UUID) (p readmodel.Payment, found bool, err error) {
	err = s.read(ctx, Accounts, func(g *generation) error {
		p, found, err = onePayment(s.pool.QueryRow(ctx, g.sql(selectPayment), uuidArg(id)), id)
		return err
	})
	return p, found, err
}

func onePayment(row pgx.Row, id uuid.UUID) (readmodel.Payment, bool, error) {
	var (
		p       readmodel.Payment
		amount  int64
		created pgtype.Timestamptz
	)
	err := row.Scan(&p.ID, &p.UserID, &p.Kind, &p.Purpose, &amount, &p.Status, &p.Reason, &p.PremiereID, &p.RentalID, &created)
	if errors.Is(err, pgx.ErrNoRows) {
		return readmodel.Payment{}, false, nil
	}
	if err != nil {
		return readmodel.Payment{}, false, fmt.Errorf("payment %s: %w", id, err)
	}
	p.Amount, p.CreatedAt = money.Kopecks(amount), timeCol(created)
	return p, true, nil
}
