package readsqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/readmodel"
)

// Dead letters: messages a handler still failed on after its retries, recorded by the
// poison topic's consumer, listed and requeued by admins. Not a projection (no log can
// rebuild them), so their own file, committed with synchronous=FULL like the inbox.

const deadLettersFile = "deadletters.db"

var deadLettersSchema = []string{
	`CREATE TABLE dead_letters (
		id              TEXT PRIMARY KEY,
		message_id      TEXT    NOT NULL,
		topic           TEXT    NOT NULL,
		handler         TEXT    NOT NULL,
		payload         BLOB    NOT NULL,
		metadata        TEXT    NOT NULL, -- JSON object
		reason          TEXT    NOT NULL,
		attempts        INTEGER NOT NULL,
		failure_id      TEXT    NOT NULL,
		first_failed_at INTEGER NOT NULL,
		last_failed_at  INTEGER NOT NULL,
		status          TEXT    NOT NULL,
		requeues        INTEGER NOT NULL DEFAULT 0,
		requeued_at     INTEGER
	) WITHOUT ROWID`,
	`CREATE INDEX dead_letters_newest ON dead_letters (last_failed_at DESC, id DESC)`,
}

// recordDeadLetter inserts a dead letter; one already recorded takes a new failure
// (not a redelivery of the recorded one) on top of it.
const recordDeadLetter = `INSERT INTO dead_letters (id, message_id, topic, handler, payload, metadata, reason,
		attempts, failure_id, first_failed_at, last_failed_at, status)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
	ON CONFLICT (id) DO UPDATE SET
		topic = excluded.topic, payload = excluded.payload, metadata = excluded.metadata,
		reason = excluded.reason, attempts = dead_letters.attempts + excluded.attempts,
		failure_id = excluded.failure_id,
		first_failed_at = min(dead_letters.first_failed_at, excluded.first_failed_at),
		last_failed_at = excluded.last_failed_at, status = excluded.status
	WHERE dead_letters.failure_id <> excluded.failure_id AND excluded.last_failed_at >= dead_letters.last_failed_at`

const markDeadLetterRequeued = `UPDATE dead_letters SET status = ?, requeues = requeues + 1, requeued_at = ?
	WHERE id = ? AND failure_id = ?`

const selectDeadLetter = `SELECT id, message_id, topic, handler, payload, metadata, reason, attempts, failure_id,
	first_failed_at, last_failed_at, status, requeues, requeued_at FROM dead_letters`

func (s *Store) RecordDeadLetter(ctx context.Context, d readmodel.DeadLetter) error {
	d = d.Stored()
	first, err := timeArg(d.FirstFailedAt)
	if err != nil {
		return fmt.Errorf("record dead letter %s: %w", d.ID, err)
	}
	last, err := timeArg(d.LastFailedAt)
	if err != nil {
		return fmt.Errorf("record dead letter %s: %w", d.ID, err)
	}
	meta, err := jsonArg(d.Metadata)
	if err != nil {
		return fmt.Errorf("record dead letter %s: %w", d.ID, err)
	}
	g, release, err := s.deadLetters.Acquire()
	if err != nil {
		return err
	}
	defer release()
	stmt, _ := g.prepared(recordDeadLetter)
	_, err = stmt.ExecContext(ctx, uuidArg(d.ID), d.MessageID, d.Topic, d.Handler, d.Payload, meta, d.Reason,
		d.Attempts, d.FailureID, first, last, d.Status)
	if err != nil {
		return fmt.Errorf("record dead letter %s: %w", d.ID, err)
	}
	return nil
}

func (s *Store) MarkDeadLetterRequeued(ctx context.Context, id uuid.UUID, failureID string, at time.Time) error {
	when, err := timeArg(at)
	if err != nil {
		return fmt.Errorf("mark dead letter %s requeued: %w", id, err)
	}
	g, release, err := s.deadLetters.Acquire()
	if err != nil {
		return err
	}
	defer release()
	stmt, _ := g.prepared(markDeadLetterRequeued)
	if _, err := stmt.ExecContext(ctx, readmodel.DeadLetterRequeued, when, uuidArg(id), failureID); err != nil {
		return fmt.Errorf("mark dead letter %s requeued: %w", id, err)
	}
	return nil
}

func (s *Store) DeadLetter(ctx context.Context, id uuid.UUID) (readmodel.DeadLetter, bool, error) {
	g, release, err := s.deadLetters.Acquire()
	if err != nil {
		return readmodel.DeadLetter{}, false, err
	}
	defer release()
	d, err := scanDeadLetter(g.read.QueryRowContext(ctx, selectDeadLetter+` WHERE id = ?`, uuidArg(id)))
	if err == sql.ErrNoRows {
		return readmodel.DeadLetter{}, false, nil
	}
	if err != nil {
		return readmodel.DeadLetter{}, false, fmt.Errorf("dead letter %s: %w", id, err)
	}
	return d, true, nil
}

func (s *Store) DeadLetters(ctx context.Context, q readmodel.DeadLetterQuery) (readmodel.DeadLetterPage, error) {
	g, release, err := s.deadLetters.Acquire()
	if err != nil {
		return readmodel.DeadLetterPage{}, err
	}
	defer release()
	// One read transaction: the page and the total agree.
	tx, err := g.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return readmodel.DeadLetterPage{}, fmt.Errorf("dead letters: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // read only
	var page readmodel.DeadLetterPage
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM dead_letters`).Scan(&page.Total); err != nil {
		return readmodel.DeadLetterPage{}, fmt.Errorf("dead letters: %w", err)
	}
	rows, err := tx.QueryContext(ctx, selectDeadLetter+` ORDER BY last_failed_at DESC, id DESC LIMIT ? OFFSET ?`,
		max(q.Limit, 1), max(q.Offset, 0))
	if err != nil {
		return readmodel.DeadLetterPage{}, fmt.Errorf("dead letters: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		d, err := scanDeadLetter(rows)
		if err != nil {
			return readmodel.DeadLetterPage{}, fmt.Errorf("dead letters: %w", err)
		}
		page.Items = append(page.Items, d)
	}
	if err := rows.Err(); err != nil {
		return readmodel.DeadLetterPage{}, fmt.Errorf("dead letters: %w", err)
	}
	return page, nil
}

func scanDeadLetter(row interface{ Scan(...any) error }) (readmodel.DeadLetter, error) {
	var (
		d                    readmodel.DeadLetter
		meta                 string
		first, last, requeue sql.NullInt64
	)
	err := row.Scan(scanUUID(&d.ID, "id"), &d.MessageID, &d.Topic, &d.Handler, &d.Payload, &meta, &d.Reason, &d.Attempts,
		&d.FailureID, &first, &last, &d.Status, &d.Requeues, &requeue)
	if err != nil {
		return readmodel.DeadLetter{}, err
	}
	if err := json.Unmarshal([]byte(meta), &d.Metadata); err != nil {
		return readmodel.DeadLetter{}, fmt.Errorf("column metadata: %w", err)
	}
	d.FirstFailedAt, d.LastFailedAt, d.RequeuedAt = timeCol(first), timeCol(last), timeCol(requeue)
	return d, nil
}
