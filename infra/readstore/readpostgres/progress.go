package readpostgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/chance-video/chance/eventlog"
	"github.com/chance-video/chance/projections"
)

// How far projections have got, for processes that do not run them (api-only ones):
// the serving generation's checkpoint, or further its scanned position (see
// projections.Scanned), both in the base schema (migrations/0007). A change of either
// notifies <schema>_projected at commit.

var _ projections.Scanned = (*Store)(nil)

// RecordScanned records that the serving generation of projection has applied the log
// up to pos. It never moves back.
func (s *Store) RecordScanned(ctx context.Context, name string, pos eventlog.Position) error {
	p, err := s.projection(name)
	if err != nil {
		return err
	}
	if s.closed.Load() {
		return ErrClosed
	}
	g, release, err := p.Acquire()
	if err != nil {
		return err
	}
	defer release()
	_, err = s.pool.Exec(ctx, `INSERT INTO `+s.base+`.projection_scanned AS s (projection, generation, commit_pos, prepare_pos) VALUES ($1, $2, $3, $4)
		ON CONFLICT (projection, generation) DO UPDATE SET commit_pos = excluded.commit_pos, prepare_pos = excluded.prepare_pos
		WHERE (excluded.commit_pos, excluded.prepare_pos) > (s.commit_pos, s.prepare_pos)`, name, g.number, int64(pos.Commit), int64(pos.Prepare))
	if err != nil {
		return fmt.Errorf("record how far %s has read: %w", name, err)
	}
	return nil
}

// Projected is how far each projection has applied the log, whichever process applies it.
func (s *Store) Projected(ctx context.Context) (map[string]eventlog.Position, error) {
	if s.closed.Load() {
		return nil, ErrClosed
	}
	rows, err := s.pool.Query(ctx, `SELECT g.projection,
			GREATEST(ROW(COALESCE(c.commit_pos, 0), COALESCE(c.prepare_pos, 0)), ROW(COALESCE(sc.commit_pos, 0), COALESCE(sc.prepare_pos, 0)))::text
		FROM `+s.base+`.generations g
		LEFT JOIN `+s.base+`.checkpoints c ON c.projection = g.projection AND c.generation = g.serving
		LEFT JOIN `+s.base+`.projection_scanned sc ON sc.projection = g.projection AND sc.generation = g.serving`)
	if err != nil {
		return nil, fmt.Errorf("how far the projections are: %w", err)
	}
	out := map[string]eventlog.Position{}
	for rows.Next() {
		var name, pair string
		if err := rows.Scan(&name, &pair); err != nil {
			return nil, fmt.Errorf("how far the projections are: %w", err)
		}
		var pos eventlog.Position
		if _, err := fmt.Sscanf(pair, "(%d,%d)", &pos.Commit, &pos.Prepare); err != nil {
			return nil, fmt.Errorf("how far %s is: %q: %w", name, pair, err)
		}
		out[name] = pos
	}
	return out, rows.Err()
}

// WatchProjected calls changed whenever a projection's position may have moved (and
// once when it starts listening, for what moved before), until ctx ends. It listens on
// a connection of its own, reconnecting after a failure; a caller should also look now
// and then, as notifications are lost while it reconnects.
func (s *Store) WatchProjected(ctx context.Context, changed func()) error {
	cfg := s.pool.Config().ConnConfig.Copy()
	channel := s.schema + "_projected"
	wait := 100 * time.Millisecond
	for ctx.Err() == nil {
		if s.listenProjected(ctx, cfg, channel, changed) {
			wait = 100 * time.Millisecond
		}
		select {
		case <-ctx.Done():
		case <-time.After(wait):
		}
		wait = min(2*wait, 5*time.Second)
	}
	return ctx.Err()
}

// listenProjected listens until the connection fails; it reports whether it listened.
func (s *Store) listenProjected(ctx context.Context, cfg *pgx.ConnConfig, channel string, changed func()) bool {
	connect, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	conn, err := pgx.ConnectConfig(connect, cfg)
	if err != nil {
		return false
	}
	defer func() {
		closeCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
		defer cancel()
		_ = conn.Close(closeCtx)
	}()
	if _, err := conn.Exec(connect, `LISTEN `+quote(channel)); err != nil {
		return false
	}
	changed()
	for {
		if _, err := conn.WaitForNotification(ctx); err != nil {
			return true
		}
		changed()
	}
}
