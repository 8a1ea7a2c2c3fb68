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
	"github.com/chance-video/chance/readmodel/rentals"
)

// Rentals.

var _ = register(model{
	name: rentals.Name,
	layout: `-- reminder_at and ends_at are derived from the start and the term by the writer, so
-- that "what is due now?" is two index range scans.
CREATE TABLE rentals (
    id               uuid    PRIMARY KEY,
    user_id          uuid    NOT NULL,
    premiere_id      uuid    NOT NULL,
    title            text    NOT NULL,
    starts_at        timestamptz,
    hours            integer NOT NULL,
    paid             bigint  NOT NULL,
    payment_id       uuid    NOT NULL,
    term_version     integer NOT NULL,
    reminded_version integer NOT NULL,
    cancelled        boolean NOT NULL,
    expired          boolean NOT NULL,
    updated_at       timestamptz,
    reminder_at      timestamptz, -- rentals.Rental.ReminderAt()
    ends_at          timestamptz  -- rentals.Rental.EndsAt()
);
CREATE INDEX rentals_by_user ON rentals (user_id, starts_at DESC NULLS LAST, id);
-- Partial indexes hold only the rentals the scheduler may still have to act on.
CREATE INDEX rentals_reminder_due ON rentals (reminder_at)
    WHERE NOT cancelled AND NOT expired AND reminded_version < term_version;
CREATE INDEX rentals_end_due ON rentals (ends_at) WHERE NOT cancelled AND NOT expired;
`,
	writes: func(t *tx) modelWrites { return &rentalWrites{t: t} },
})

// rentalWrites is rentals.Writes on one Update: the rentals put, buffered until commit.
type rentalWrites struct {
	t       *tx
	rentals buffer[uuid.UUID, rentals.Rental]
}

var (
	_ rentals.Writes = (*rentalWrites)(nil)
	_ rentals.Reads  = (*Store)(nil)
)

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

func (w *rentalWrites) PutRental(ctx context.Context, r rentals.Rental) error {
	w.rentals.put(r.ID, r)
	return nil
}

func (w *rentalWrites) Rental(ctx context.Context, id uuid.UUID) (rentals.Rental, bool, error) {
	if r, ok := w.rentals.get(id); ok {
		return r, true, nil
	}
	return oneRental(w.t.queryRow(ctx, selectRental, uuidArg(id)), id)
}

func (w *rentalWrites) flush(b *pgx.Batch) error {
	n := w.rentals.len()
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
	w.rentals.each(func(r rentals.Rental) {
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
	b.Queue(w.t.gen.sql(upsertRentals), ids, users, premieres, titles, starts, hours, paid, payments, terms, reminded,
		cancelled, expired, updated, remind, ends)
	return nil
}

func (s *Store) Rental(ctx context.Context, id uuid.UUID) (r rentals.Rental, found bool, err error) {
	err = s.read(ctx, rentals.Name, func(g *generation) error {
		r, found, err = oneRental(s.pool.QueryRow(ctx, g.sql(selectRental), uuidArg(id)), id)
		return err
	})
	return r, found, err
}

// Rentals returns a customer's rentals, the latest start first.
func (s *Store) Rentals(ctx context.Context, user uuid.UUID) ([]rentals.Rental, error) {
	out, err := s.rentals(ctx, `SELECT `+rentalColumns+` FROM {s}.rentals WHERE user_id = $1 ORDER BY starts_at DESC NULLS LAST, id`, uuidArg(user))
	if err != nil {
		return nil, fmt.Errorf("rentals of %s: %w", user, err)
	}
	return out, nil
}

// DueRentals returns up to limit rentals (all if limit ≤ 0), neither cancelled nor
// expired, whose reminder for the current term version, or whose end, is at or before now.
func (s *Store) DueRentals(ctx context.Context, now time.Time, limit int) ([]rentals.Rental, error) {
	if now.IsZero() {
		return nil, fmt.Errorf("due rentals: no time given")
	}
	out, err := s.rentals(ctx, dueRentals, timeArg(now), limitArg(limit))
	if err != nil {
		return nil, fmt.Errorf("due rentals at %s: %w", now, err)
	}
	return out, nil
}

func (s *Store) rentals(ctx context.Context, query string, args ...any) (out []rentals.Rental, err error) {
	err = s.read(ctx, rentals.Name, func(g *generation) error {
		rows, err := s.pool.Query(ctx, g.sql(query), args...)
		if err != nil {
			return err
		}
		out, err = collect(rows, scanRental)
		return err
	})
	return out, err
}

func oneRental(row pgx.Row, id uuid.UUID) (rentals.Rental, bool, error) {
	r, err := scanRental(row)
	if errors.Is(err, pgx.ErrNoRows) {
		return rentals.Rental{}, false, nil
	}
	if err != nil {
		return rentals.Rental{}, false, fmt.Errorf("rental %s: %w", id, err)
	}
	return r, true, nil
}

func scanRental(s scanner) (rentals.Rental, error) {
	var (
		r               rentals.Rental
		starts, updated pgtype.Timestamptz
		paid            int64
	)
	err := s.Scan(&r.ID, &r.UserID, &r.PremiereID, &r.Title, &starts, &r.Hours, &paid, &r.PaymentID, &r.TermVersion,
		&r.RemindedVersion, &r.Cancelled, &r.Expired, &updated)
	r.StartsAt, r.UpdatedAt, r.Paid = timeCol(starts), timeCol(updated), money.Kopecks(paid)
	return r, err
}
