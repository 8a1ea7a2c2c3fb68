package readsqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/google/uuid"

	"github.com/chance-video/chance/readmodel"
)

// The in-app inbox: written by the notification sender directly, not by a projector, so
// it has no checkpoint and no generations, and its file commits with synchronous=FULL
// (no log can rebuild a notification lost in a power cut).

// insertNotification ignores a notification already delivered: the bus delivers at
// least once.
const insertNotification = `INSERT INTO notifications (id, user_id, kind, channel, subject, body, created_at)
	VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`

func (s *Store) AddNotification(ctx context.Context, n readmodel.Notification) error {
	created, err := timeArg(n.CreatedAt)
	if err != nil {
		return fmt.Errorf("add notification %s: %w", n.ID, err)
	}
	g, release, err := s.inbox.Acquire()
	if err != nil {
		return err
	}
	defer release()
	stmt, _ := g.prepared(insertNotification)
	_, err = stmt.ExecContext(ctx, uuidArg(n.ID), uuidArg(n.UserID), n.Kind, n.Channel, n.Subject, n.Body, created)
	if err != nil {
		return fmt.Errorf("add notification %s: %w", n.ID, err)
	}
	return nil
}

// Notifications returns a customer's inbox, newest first: up to limit (all if limit ≤ 0).
func (s *Store) Notifications(ctx context.Context, user uuid.UUID, limit int) ([]readmodel.Notification, error) {
	g, release, err := s.inbox.Acquire()
	if err != nil {
		return nil, err
	}
	defer release()
	rows, err := g.read.QueryContext(ctx, `SELECT id, user_id, kind, channel, subject, body, created_at
		FROM notifications WHERE user_id = ? ORDER BY created_at DESC, id DESC LIMIT ?`, uuidArg(user), noLimit(limit))
	if err != nil {
		return nil, fmt.Errorf("notifications of %s: %w", user, err)
	}
	defer rows.Close()
	var out []readmodel.Notification
	for rows.Next() {
		var (
			n       readmodel.Notification
			created sql.NullInt64
		)
		err := rows.Scan(scanUUID(&n.ID, "id"), scanUUID(&n.UserID, "user_id"), &n.Kind, &n.Channel, &n.Subject, &n.Body, &created)
		if err != nil {
			return nil, fmt.Errorf("notifications of %s: %w", user, err)
		}
		n.CreatedAt = timeCol(created)
		out = append(out, n)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("notifications of %s: %w", user, err)
	}
	return out, nil
}
