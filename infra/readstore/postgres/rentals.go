package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/chance-video/chance/domain/money"
	"github.com/chance-video/chance/readmodel"
)

// Rentals (rentals_v1).

const rentalColumns = `id, user_id, premiere_id, title, starts_at, hours, paid, payment_id,
	term_version, reminded_version, cancelled, expired, updated_at`

const selectRental = `SELECT ` + rentalColumns + ` FROM {s}.rentals WHERE id = $1`

const upsertRentals = `INSERT INTO {s}.rentals (id, user_id, premiere_id, title, starts_at, hours, paid, payment_id,
		term_version, reminded_version, cancelled, expired, updated_at, reminder_at, ends_at)
	SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::timestamptz[], $6::integer[], $7::bigint[],
		$8::uuid[], $9::integer[], $10::integer[], $11::boolean[], $12::boolean[], $13::timestamptz[],
		$14::timestamptz[], $15::timestamptz[])
	ON CONFLICT (id) DO UPDATE SET user_id = excluded.user_id, premiere_id = excluded.premiere_id,
		title = excluded.title, starts_at = excluded.starts_at, hours = excluded.hours, paid = excluded.paid,
		payment_id = excluded.payment_id, term_version = excluded.term_version,
		reminded_version = excluded.reminded_version, cancelled = excluded.cancelled, expired = excluded.expired,
		updated_at = excluded.updated_at, reminder_at = excluded.reminder_at, ends_at = excluded.ends_at`

// dueRentals takes the ids from the two partial indexes' ranges (an OR of the two
// conditions could use neither), the earliest due first so that a backlog is worked
// off in order.
const dueRentals = `SELECT ` + rentalColumns + ` FROM {s}.rentals WHERE id IN (
		SELECT id FROM {s}.rentals WHERE NOT cancelled AND NOT expired AND reminded_version < term_version AND reminder_at <= $1
		UNION ALL
		SELECT id FROM {s}.rentals WHERE NOT cancelled AND NOT expired AND ends_at <= $1
	) ORDER BY reminder_at, id LIMIT $2`

func (t *tx) PutRental(ctx context.Context, r readmodel.Rental) error {
	if err := t.allow(Rentals, "PutRental"); err != nil {
		return err
	}
	t.rentals.put(r.ID, r)
	return nil
}

func (t *tx) Rental(ctx context.Context, id uuid.UUID) (readmodel.Rental, bool, error) {
	if err := t.allow(Rentals, "Rental"); err != nil {
		return readmodel.Rental{}, false, err
	}
	if r, ok := t.rentals.get(id); ok {
		return r, true, nil
	}
	return oneRental(t.queryRow(ctx, selectRental, uuidArg(id)), id)
}

func (t *tx) flushRentals(b *pgx.Batch) error {
	n := t.rentals.len()
	if n == 0 {
		return nil
	}
	var (
		ids, users, premieres, payments = make([][16]byte, 0, n), make([][16]byte, 0, n), make([][16]byte, 0, n), make([][16]byte, 0, n)
		titles                          = make([]string, 0, n)
		hours, terms, reminded          = make([]int32, 0, n), make([]int32, 0, n), make([]int32, 0, n)
		paid                            = make([]int64, 0, n)
		cancelled, expired              = make([]bool, 0, n), make([]bool, 0, n)
		starts, updated, remind, ends   = make([]pgtype.Timestamptz, 0, n), make([]pgtype.Timestamptz, 0, n), make([]pgtype.Timestamptz, 0, n), make([]pgtype.Timestamptz, 0, n)
	)
	t.rentals.each(func(r readmodel.Rental) {
		ids, users = append(ids, uuidArg(r.ID)), append(users, uuidArg(r.UserID))
		premieres, payments = append(premieres, uuidArg(r.PremiereID)), append(payments, uuidArg(r.PaymentID))
		titles = append(titles, r.Title)
		hours, terms, reminded = append(hours, int32(r.Hours)), append(terms, int32(r.TermVersion)), append(reminded, int32(r.RemindedVersion))
		paid = append(paid, int64(r.Paid))
		cancelled, expired = append(cancelled, r.Cancelled), append(expired, r.Expired)
		starts, updated = append(starts, timeArg(r.StartsAt)), append(updated, timeArg(r.UpdatedAt))
		if r.StartsAt.IsZero() { // no start, no schedule
			remind, ends = append(remind, pgtype.Timestamptz{}), append(ends, pgtype.Timestamptz{})
		} else {
			remind, ends = append(remind, timeArg(r.ReminderAt())), append(ends, timeArg(r.EndsAt()))
		}
	})
	b.Queue(t.gen.sql(upsertRentals), ids, users, premieres, titles, starts, hours, paid, payments, terms, reminded,
		cancelled, expired, updated, remind, ends)
	return nil
}

func (s *Store) Rental(ctx context.Context, id uuid.UUID) (r readmodel.Rental, found bool, err error) {
	err = s.read(ctx, Rentals, func(g *generation) error {
		r, found, err = oneRental(s.pool.QueryRow(ctx, g.sql(selectRental), uuidArg(id)), id)
		return err
	})
	return r, found, err
}

// Rentals returns a customer's rentals, the latest start first.
func (s *Store) Rentals(ctx context.Context, user uuid.UUID) ([]readmodel.Rental, error) {
	out, err := s.rentals(ctx, `SELECT `+rentalColumns+` FROM {s}.rentals WHERE user_id = $1 ORDER BY starts_at DESC NULLS LAST, id`, uuidArg(user))
	if err != nil {
		return nil, fmt.Errorf("rentals of %s: %w", user, err)
	}
	return out, nil
}

// DueRentals returns up to limit rentals (all if limit ≤ 0), neither cancelled nor
// expired, whose reminder for the current term version, or whose end, is at or before now.
func (s *Store) DueRentals(ctx context.Context, now time.Time, limit int) ([]readmodel.Rental, error) {
	if now.IsZero() {
		return nil, fmt.Errorf("due rentals: no time given")
	}
	out, err := s.rentals(ctx, dueRentals, timeArg(now), limitArg(limit))
	if err != nil {
		return nil, fmt.Errorf("due rentals at %s: %w", now, err)
	}
	return out, nil
}

func (s *Store) rentals(ctx context.Context, query string, args ...any) (out []readmodel.Rental, err error) {
	err = s.read(ctx, Rentals, func(g *generation) error {
		rows, err := s.pool.Query(ctx, g.sql(query), args...)
		if err != nil {
			return err
		}
		out, err = collect(rows, scanRental)
		return err
	})
	return out, err
}

func oneRental(row pgx.Row, id uuid.UUID) (readmodel.Rental, bool, error) {
	r, err := scanRental(row)
	if errors.Is(err, pgx.ErrNoRows) {
		return readmodel.Rental{}, false, nil
	}
	if err != nil {
		return readmodel.Rental{}, false, fmt.Errorf("rental %s: %w", id, err)
	}
	return r, true, nil
}

func scanRental(s scanner) (readmodel.Rental, error) {
	var (
		r               readmodel.Rental
		starts, updated pgtype.Timestamptz
		paid            int64
	)
	err := s.Scan(&r.ID, &r.UserID, &r.PremiereID, &r.Title, &starts, &r.Hours, &paid, &r.PaymentID, &r.TermVersion,
		&r.RemindedVersion, &r.Cancelled, &r.Expired, &updated)
	r.StartsAt, r.UpdatedAt, r.Paid = timeCol(starts), timeCol(updated), money.Kopecks(paid)
	return r, err
}
