package readpostgres

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/chance-video/chance/readmodel"
)

// The in-app inbox lives in the base schema (migrations/0002_inbox.sql): the
// notification sender writes it directly, not a projector, so it has no generations.

// AddNotification stores a notification; one already delivered (same id) is ignored:
// the bus delivers at least once.
func (s *Store) AddNotification(ctx context.Context, n readmodel.Notification) error {
	if s.closed.Load() {
		return ErrClosed
	}
	_, err := s.pool.Exec(ctx, `INSERT INTO `+s.base+`.notifications (id, user_id, kind, channel, subject, body, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING`,
		uuidArg(n.ID), uuidArg(n.UserID), n.Kind, n.Channel, n.Subject, n.Body, timeArg(n.CreatedAt))
	if err != nil {
		return fmt.Errorf("add notification %s: %w", n.ID, err)
	}
	return nil
}

// Notifications returns a customer's inbox, newest first: up to limit (all if limit ≤ 0).
func (s *Store) Notifications(ctx context.Context, user uuid.UUID, limit int) ([]readmodel.Notification, error) {
	if s.closed.Load() {
		return nil, ErrClosed
	}
	rows, err := s.pool.Query(ctx, `SELECT id, user_id, kind, channel, subject, body, created_at
		FROM `+s.base+`.notifications WHERE user_id = $1 ORDER BY created_at DESC NULLS LAST, id DESC LIMIT $2`,
		uuidArg(user), limitArg(limit))
	if err != nil {
		return nil, fmt.Errorf("notifications of %s: %w", user, err)
	}
	out, err := collect(rows, func(r scanner) (readmodel.Notification, error) {
		var (
			n       readmodel.Notification
			created pgtype.Timestamptz
		)
		err := r.Scan(&n.ID, &n.UserID, &n.Kind, &n.Channel, &n.Subject, &n.Body, &created)
		n.CreatedAt = timeCol(created)
		return n, err
	})
	if err != nil {
		return nil, fmt.Errorf("notifications of %s: %w", user, err)
	}
	return out, nil
}
