package readpostgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
)

// Sent records live in the base schema (migrations/0005_sent_messages.sql): the senders
// write them directly, not a projector, so they have no generations.

func (s *Store) Sent(ctx context.Context, channel string, messageID uuid.UUID) (bool, error) {
	if s.closed.Load() {
		return false, ErrClosed
	}
	var sent bool
	err := s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM `+s.base+`.sent_messages WHERE channel = $1 AND message_id = $2)`,
		channel, uuidArg(messageID)).Scan(&sent)
	if err != nil {
		return false, fmt.Errorf("sent %s on %s: %w", messageID, channel, err)
	}
	return sent, nil
}

func (s *Store) MarkSent(ctx context.Context, channel string, messageID uuid.UUID, at time.Time) error {
	if s.closed.Load() {
		return ErrClosed
	}
	if at.IsZero() {
		return fmt.Errorf("mark %s sent on %s: %w", messageID, channel, errors.New("no time given"))
	}
	_, err := s.pool.Exec(ctx, `INSERT INTO `+s.base+`.sent_messages (channel, message_id, sent_at) VALUES ($1, $2, $3)
		ON CONFLICT DO NOTHING`, channel, uuidArg(messageID), timeArg(at))
	if err != nil {
		return fmt.Errorf("mark %s sent on %s: %w", messageID, channel, err)
	}
	return nil
}

func (s *Store) PruneSent(ctx context.Context, before time.Time) (int64, error) {
	if s.closed.Load() {
		return 0, ErrClosed
	}
	tag, err := s.pool.Exec(ctx, `DELETE FROM `+s.base+`.sent_messages WHERE sent_at < $1`, timeArg(before))
	if err != nil {
		return 0, fmt.Errorf("prune sent records: %w", err)
	}
	return tag.RowsAffected(), nil
}

// maxExclusiveSends bounds the sends this process makes under a lock at once (the
// connections of Store.locks); more wait for one to end.
const maxExclusiveSends = 8

// Exclusively runs fn holding a transaction-level advisory lock on (schema, channel,
// message): a second process's sender waits for the first to check, send and record,
// then finds its record. The lock ends with the transaction, which nothing is written
// in, or with the connection when this process dies. The lock's connection comes from
// a pool of its own, so fn's checks and records (through the main pool) always find a
// connection, however many sends hold locks.
func (s *Store) Exclusively(ctx context.Context, channel string, messageID uuid.UUID, fn func(ctx context.Context) error) error {
	if s.closed.Load() {
		return ErrClosed
	}
	tx, err := s.locks.Begin(ctx)
	if err != nil {
		return fmt.Errorf("lock %s on %s: %w", messageID, channel, err)
	}
	defer func() {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		_ = tx.Rollback(ctx)
	}()
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`,
		"chance sent "+s.schema+" "+channel+" "+messageID.String()); err != nil {
		return fmt.Errorf("lock %s on %s: %w", messageID, channel, err)
	}
	return fn(ctx)
}
