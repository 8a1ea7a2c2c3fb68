package readpostgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/chance-video/chance/readmodel"
)

// Dead letters live in the base schema (migrations/0004_dead_letters.sql): the poison
// topic's consumer writes them directly, not a projector, so they have no generations.

// RecordDeadLetter inserts a dead letter; one already recorded takes a new failure (not
// a redelivery of the recorded one) on top of it.
func (s *Store) RecordDeadLetter(ctx context.Context, d readmodel.DeadLetter) error {
	d = d.Stored()
	if s.closed.Load() {
		return ErrClosed
	}
	_, err := s.pool.Exec(ctx, `INSERT INTO `+s.base+`.dead_letters AS d (id, message_id, topic, handler, payload, metadata,
			reason, attempts, failure_id, first_failed_at, last_failed_at, status)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
		ON CONFLICT (id) DO UPDATE SET
			topic = excluded.topic, payload = excluded.payload, metadata = excluded.metadata,
			reason = excluded.reason, attempts = d.attempts + excluded.attempts, failure_id = excluded.failure_id,
			first_failed_at = least(d.first_failed_at, excluded.first_failed_at),
			last_failed_at = excluded.last_failed_at, status = excluded.status
		WHERE d.failure_id <> excluded.failure_id AND excluded.last_failed_at >= d.last_failed_at`,
		uuidArg(d.ID), d.MessageID, d.Topic, d.Handler, d.Payload, d.Metadata, d.Reason,
		d.Attempts, d.FailureID, timeArg(d.FirstFailedAt), timeArg(d.LastFailedAt), d.Status)
	if err != nil {
		return fmt.Errorf("record dead letter %s: %w", d.ID, err)
	}
	return nil
}

// MarkDeadLetterRequeued marks a dead letter requeued unless it failed again meanwhile.
func (s *Store) MarkDeadLetterRequeued(ctx context.Context, id uuid.UUID, failureID string, at time.Time) error {
	if s.closed.Load() {
		return ErrClosed
	}
	_, err := s.pool.Exec(ctx, `UPDATE `+s.base+`.dead_letters SET status = $1, requeues = requeues + 1, requeued_at = $2
		WHERE id = $3 AND failure_id = $4`, readmodel.DeadLetterRequeued, timeArg(at), uuidArg(id), failureID)
	if err != nil {
		return fmt.Errorf("mark dead letter %s requeued: %w", id, err)
	}
	return nil
}

const selectDeadLetter = `SELECT id, message_id, topic, handler, payload, metadata, reason, attempts, failure_id,
	first_failed_at, last_failed_at, status, requeues, requeued_at`

func (s *Store) DeadLetter(ctx context.Context, id uuid.UUID) (readmodel.DeadLetter, bool, error) {
	if s.closed.Load() {
		return readmodel.DeadLetter{}, false, ErrClosed
	}
	d, err := scanDeadLetter(s.pool.QueryRow(ctx, selectDeadLetter+` FROM `+s.base+`.dead_letters WHERE id = $1`, uuidArg(id)))
	if errors.Is(err, pgx.ErrNoRows) {
		return readmodel.DeadLetter{}, false, nil
	}
	if err != nil {
		return readmodel.DeadLetter{}, false, fmt.Errorf("dead letter %s: %w", id, err)
	}
	return d, true, nil
}

// DeadLetters pages through the dead letters, the most recently failed first; the
// total comes with the page, from the same snapshot.
func (s *Store) DeadLetters(ctx context.Context, q readmodel.DeadLetterQuery) (readmodel.DeadLetterPage, error) {
	if s.closed.Load() {
		return readmodel.DeadLetterPage{}, ErrClosed
	}
	rows, err := s.pool.Query(ctx, selectDeadLetter+`, count(*) OVER () FROM `+s.base+`.dead_letters
		ORDER BY last_failed_at DESC, id DESC LIMIT $1 OFFSET $2`, max(q.Limit, 1), max(q.Offset, 0))
	if err != nil {
		return readmodel.DeadLetterPage{}, fmt.Errorf("dead letters: %w", err)
	}
	var page readmodel.DeadLetterPage
	page.Items, err = collect(rows, func(r scanner) (readmodel.DeadLetter, error) {
		return scanDeadLetter(r, &page.Total)
	})
	if err != nil {
		return readmodel.DeadLetterPage{}, fmt.Errorf("dead letters: %w", err)
	}
	if len(page.Items) == 0 && q.Offset > 0 { // past the end: the window counted nothing
		err := s.pool.QueryRow(ctx, `SELECT count(*) FROM `+s.base+`.dead_letters`).Scan(&page.Total)
		if err != nil {
			return readmodel.DeadLetterPage{}, fmt.Errorf("dead letters: %w", err)
		}
	}
	return page, nil
}

func scanDeadLetter(r scanner, more ...any) (readmodel.DeadLetter, error) {
	var (
		d                    readmodel.DeadLetter
		first, last, requeue pgtype.Timestamptz
	)
	err := r.Scan(append([]any{&d.ID, &d.MessageID, &d.Topic, &d.Handler, &d.Payload, &d.Metadata, &d.Reason, &d.Attempts,
		&d.FailureID, &first, &last, &d.Status, &d.Requeues, &requeue}, more...)...)
	d.FirstFailedAt, d.LastFailedAt, d.RequeuedAt = timeCol(first), timeCol(last), timeCol(requeue)
	return d, err
}
