package readsqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain/money"
	"github.com/chance-video/chance/projections"
	"github.com/chance-video/chance/readmodel/rentals"
)

// Rentals. reminder_at and ends_at are derived from the start and the term
// when a rental is put, and stored, so that the scheduler's question "what is due now?"
// is two index range scans instead of a computation over every rental.
var _ = register(model{
	name:       rentals.Name,
	schema:     rentalsSchema,
	statements: []string{upsertRental, selectRental},
	writes:     func(t *tx) projections.Writes { return rentalWrites{t} },
})

// rentalWrites is rentals.Writes on a transaction of the rentals file.
type rentalWrites struct{ t *tx }

var (
	_ rentals.Writes = rentalWrites{}
	_ rentals.Reads  = (*Store)(nil)
)

var rentalsSchema = []string{
	`CREATE TABLE rentals (
		id               TEXT PRIMARY KEY,
		user_id          TEXT    NOT NULL,
		premiere_id      TEXT    NOT NULL,
		title            TEXT    NOT NULL,
		starts_at        INTEGER,
		hours            INTEGER NOT NULL,
		paid             INTEGER NOT NULL,
		payment_id       TEXT    NOT NULL,
		term_version     INTEGER NOT NULL,
		reminded_version INTEGER NOT NULL,
		cancelled        INTEGER NOT NULL,
		expired          INTEGER NOT NULL,
		updated_at       INTEGER,
		reminder_at      INTEGER, -- rentals.Rental.ReminderAt()
		ends_at          INTEGER  -- rentals.Rental.EndsAt()
	) WITHOUT ROWID`,
	`CREATE INDEX rentals_by_user ON rentals (user_id, starts_at DESC, id)`,
	// Partial indexes hold only the rentals the scheduler may still have to act on: the
	// ended and cancelled ones, most of them in time, drop out.
	`CREATE INDEX rentals_reminder_due ON rentals (reminder_at)
		WHERE cancelled = 0 AND expired = 0 AND reminded_version < term_version`,
	`CREATE INDEX rentals_end_due ON rentals (ends_at) WHERE cancelled = 0 AND expired = 0`,
}

const rentalColumns = `id, user_id, premiere_id, title, starts_at, hours, paid, payment_id,
	term_version, reminded_version, cancelled, expired, updated_at`

const selectRental = `SELECT ` + rentalColumns + ` FROM rentals WHERE id = ?`

const upsertRental = `INSERT INTO rentals (id, user_id, premiere_id, title, starts_at, hours, paid, payment_id,
	term_version, reminded_version, cancelled, expired, updated_at, reminder_at, ends_at)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
	ON CONFLICT (id) DO UPDATE SET user_id = excluded.user_id, premiere_id = excluded.premiere_id,
		title = excluded.title, starts_at = excluded.starts_at, hours = excluded.hours, paid = excluded.paid,
		payment_id = excluded.payment_id, term_version = excluded.term_version,
		reminded_version = excluded.reminded_version, cancelled = excluded.cancelled, expired = excluded.expired,
		updated_at = excluded.updated_at, reminder_at = excluded.reminder_at, ends_at = excluded.ends_at`

// dueRentals takes the ids from the two partial indexes' ranges (with an OR of the two
// conditions, or a UNION, which sorts, SQLite scans the table instead; IN ignores the
// duplicates of UNION ALL), the earliest due first so that a backlog is worked off in order.
const dueRentals = `SELECT ` + rentalColumns + ` FROM rentals WHERE id IN (
		SELECT id FROM rentals WHERE cancelled = 0 AND expired = 0 AND reminded_version < term_version AND reminder_at <= ?1
		UNION ALL
		SELECT id FROM rentals WHERE cancelled = 0 AND expired = 0 AND ends_at <= ?1
	) ORDER BY reminder_at, id LIMIT ?2`

func (w rentalWrites) PutRental(ctx context.Context, r rentals.Rental) error {
	var times [4]any
	for i, tm := range []time.Time{r.StartsAt, r.UpdatedAt, r.ReminderAt(), r.EndsAt()} {
		v, err := timeArg(tm)
		if err != nil {
			return fmt.Errorf("put rental %s: %w", r.ID, err)
		}
		times[i] = v
	}
	if r.StartsAt.IsZero() {
		times[2], times[3] = nil, nil // no start, no schedule
	}
	err := w.t.exec(ctx, upsertRental, uuidArg(r.ID), uuidArg(r.UserID), uuidArg(r.PremiereID), r.Title, times[0],
		r.Hours, int64(r.Paid), uuidArg(r.PaymentID), r.TermVersion, r.RemindedVersion,
		boolArg(r.Cancelled), boolArg(r.Expired), times[1], times[2], times[3])
	if err != nil {
		return fmt.Errorf("put rental %s: %w", r.ID, err)
	}
	return nil
}

func (w rentalWrites) Rental(ctx context.Context, id uuid.UUID) (rentals.Rental, bool, error) {
	row, err := w.t.queryRow(ctx, selectRental, uuidArg(id))
	if err != nil {
		return rentals.Rental{}, false, fmt.Errorf("rental %s: %w", id, err)
	}
	return oneRental(row, id)
}

func (s *Store) Rental(ctx context.Context, id uuid.UUID) (rentals.Rental, bool, error) {
	g, release, err := s.serving(rentals.Name)
	if err != nil {
		return rentals.Rental{}, false, err
	}
	defer release()
	return oneRental(g.read.QueryRowContext(ctx, selectRental, uuidArg(id)), id)
}

// Rentals returns a customer's rentals, the latest start first.
func (s *Store) Rentals(ctx context.Context, user uuid.UUID) ([]rentals.Rental, error) {
	g, release, err := s.serving(rentals.Name)
	if err != nil {
		return nil, err
	}
	defer release()
	rows, err := g.read.QueryContext(ctx, `SELECT `+rentalColumns+` FROM rentals WHERE user_id = ? ORDER BY starts_at DESC, id`, uuidArg(user))
	if err != nil {
		return nil, fmt.Errorf("rentals of %s: %w", user, err)
	}
	out, err := scanRentals(rows)
	if err != nil {
		return nil, fmt.Errorf("rentals of %s: %w", user, err)
	}
	return out, nil
}

// DueRentals returns up to limit rentals (all if limit ≤ 0), neither cancelled nor
// expired, whose reminder for the current term version, or whose end, is at or before now.
func (s *Store) DueRentals(ctx context.Context, now time.Time, limit int) ([]rentals.Rental, error) {
	at, err := timeArg(now)
	if err != nil || at == nil {
		return nil, fmt.Errorf("due rentals at %s: bad time: %v", now, err)
	}
	g, release, err := s.serving(rentals.Name)
	if err != nil {
		return nil, err
	}
	defer release()
	rows, err := g.read.QueryContext(ctx, dueRentals, at, noLimit(limit))
	if err != nil {
		return nil, fmt.Errorf("due rentals: %w", err)
	}
	out, err := scanRentals(rows)
	if err != nil {
		return nil, fmt.Errorf("due rentals: %w", err)
	}
	return out, nil
}

func oneRental(row *sql.Row, id uuid.UUID) (rentals.Rental, bool, error) {
	r, err := scanRental(row)
	if errors.Is(err, sql.ErrNoRows) {
		return rentals.Rental{}, false, nil
	}
	if err != nil {
		return rentals.Rental{}, false, fmt.Errorf("rental %s: %w", id, err)
	}
	return r, true, nil
}

// scanRentals scans and closes rows.
func scanRentals(rows *sql.Rows) ([]rentals.Rental, error) {
	defer rows.Close()
	var out []rentals.Rental
	for rows.Next() {
		r, err := scanRental(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

func scanRental(s scanner) (rentals.Rental, error) {
	var (
		r                rentals.Rental
		starts, updated  sql.NullInt64
		paid             int64
		cancelled, ended bool
	)
	err := s.Scan(scanUUID(&r.ID, "id"), scanUUID(&r.UserID, "user_id"), scanUUID(&r.PremiereID, "premiere_id"),
		&r.Title, &starts, &r.Hours, &paid, scanUUID(&r.PaymentID, "payment_id"), &r.TermVersion,
		&r.RemindedVersion, &cancelled, &ended, &updated)
	if err != nil {
		return r, err
	}
	r.StartsAt, r.UpdatedAt, r.Paid = timeCol(starts), timeCol(updated), money.Kopecks(paid)
	r.Cancelled, r.Expired = cancelled, ended
	return r, nil
}
