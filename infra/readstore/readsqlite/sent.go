package readsqlite

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
)

// Sent records: which messages each outside channel (SMTP, SMS, Telegram) has sent, so
// a redelivered message is not sent twice. Not a projection (no log can rebuild them),
// so their own file, committed with synchronous=FULL like the inbox.

const sentFile = "sent.db"

var sentSchema = []string{
	`CREATE TABLE sent_messages (
		channel    TEXT    NOT NULL,
		message_id TEXT    NOT NULL,
		sent_at    INTEGER NOT NULL,
		PRIMARY KEY (channel, message_id)
	) WITHOUT ROWID`,
	`CREATE INDEX sent_messages_by_time ON sent_messages (sent_at)`,
}

const (
	markSent   = `INSERT INTO sent_messages (channel, message_id, sent_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`
	pruneSent  = `DELETE FROM sent_messages WHERE sent_at < ?`
	selectSent = `SELECT count(*) FROM sent_messages WHERE channel = ? AND message_id = ?`
)

func (s *Store) Sent(ctx context.Context, channel string, messageID uuid.UUID) (bool, error) {
	g, release, err := s.sent.Acquire()
	if err != nil {
		return false, err
	}
	defer release()
	var n int
	if err := g.read.QueryRowContext(ctx, selectSent, channel, uuidArg(messageID)).Scan(&n); err != nil {
		return false, fmt.Errorf("sent %s on %s: %w", messageID, channel, err)
	}
	return n > 0, nil
}

func (s *Store) MarkSent(ctx context.Context, channel string, messageID uuid.UUID, at time.Time) error {
	when, err := sentTime(at)
	if err != nil {
		return fmt.Errorf("mark %s sent on %s: %w", messageID, channel, err)
	}
	g, release, err := s.sent.Acquire()
	if err != nil {
		return err
	}
	defer release()
	stmt, _ := g.prepared(markSent)
	if _, err := stmt.ExecContext(ctx, channel, uuidArg(messageID), when); err != nil {
		return fmt.Errorf("mark %s sent on %s: %w", messageID, channel, err)
	}
	return nil
}

func (s *Store) PruneSent(ctx context.Context, before time.Time) (int64, error) {
	when, err := sentTime(before)
	if err != nil {
		return 0, fmt.Errorf("prune sent records: %w", err)
	}
	g, release, err := s.sent.Acquire()
	if err != nil {
		return 0, err
	}
	defer release()
	stmt, _ := g.prepared(pruneSent)
	res, err := stmt.ExecContext(ctx, when)
	if err != nil {
		return 0, fmt.Errorf("prune sent records: %w", err)
	}
	return res.RowsAffected()
}

// sentTime is a sent_at value: never NULL, so a zero time is refused.
func sentTime(t time.Time) (any, error) {
	if t.IsZero() {
		return nil, fmt.Errorf("no time given")
	}
	return timeArg(t)
}
