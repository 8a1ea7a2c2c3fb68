package eventsqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/chance-video/chance/infra/eventstore/internal/appendlog"
)

// maxRowsPerInsert bounds one multi-row INSERT (7 parameters a row, far below SQLite's
// 32766-parameter limit). More rows waiting to be written take several statements in the
// same transaction.
const maxRowsPerInsert = 64

const insertPrefix = `INSERT INTO events (position, stream_id, revision, event_id, type, data, metadata) VALUES `

// writeStatements are prepared once on the writer's connection: statement compilation
// would otherwise be a large part of a one-event append.
type writeStatements struct {
	conn                    *sql.Conn
	begin, commit, rollback *sql.Stmt
	tail, window            *sql.Stmt
	lastPosition            *sql.Stmt
	inserts                 [maxRowsPerInsert + 1]*sql.Stmt // by row count, prepared on first use
}

func (s *writeStatements) prepare(ctx context.Context, conn *sql.Conn) error {
	s.conn = conn
	for _, p := range []struct {
		stmt  **sql.Stmt
		query string
	}{
		// IMMEDIATE takes the write lock at BEGIN, so a busy file fails here, not mid-batch.
		{&s.begin, `BEGIN IMMEDIATE`},
		{&s.commit, `COMMIT`},
		{&s.rollback, `ROLLBACK`},
		// Both walk the (stream_id, revision) index: a stream's last events, newest first,
		// and a run of its events from a revision.
		{&s.tail, fmt.Sprintf(`SELECT revision, event_id, position FROM events WHERE stream_id = ? ORDER BY revision DESC LIMIT %d`, appendlog.TailIDs)},
		{&s.window, `SELECT revision, event_id, position FROM events WHERE stream_id = ? AND revision >= ? ORDER BY revision LIMIT ?`},
		// position is the rowid: its maximum is one step down the table's b-tree.
		{&s.lastPosition, `SELECT COALESCE(MAX(position), 0) FROM events`},
	} {
		stmt, err := conn.PrepareContext(ctx, p.query)
		if err != nil {
			return fmt.Errorf("prepare %q: %w", p.query, err)
		}
		*p.stmt = stmt
	}
	return nil
}

// insert returns the INSERT statement for n rows (1 ≤ n ≤ maxRowsPerInsert).
func (s *writeStatements) insert(ctx context.Context, n int) (*sql.Stmt, error) {
	if stmt := s.inserts[n]; stmt != nil {
		return stmt, nil
	}
	var b strings.Builder
	b.WriteString(insertPrefix)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString("(?,?,?,?,?,?,?)")
	}
	stmt, err := s.conn.PrepareContext(ctx, b.String())
	if err != nil {
		return nil, fmt.Errorf("prepare insert of %d rows: %w", n, err)
	}
	s.inserts[n] = stmt
	return stmt, nil
}

func (s *writeStatements) close() error {
	stmts := append([]*sql.Stmt{s.begin, s.commit, s.rollback, s.tail, s.window, s.lastPosition}, s.inserts[:]...)
	return closeAll(stmts)
}

// readStatements are prepared on the read pool (database/sql prepares them again on
// each pooled connection as needed).
type readStatements struct {
	stream, span, all *sql.Stmt
}

const recordColumns = `position, stream_id, revision, event_id, type, data, metadata`

func (s *readStatements) prepare(ctx context.Context, db *sql.DB) error {
	var err error
	if s.stream, err = db.PrepareContext(ctx, `SELECT `+recordColumns+` FROM events WHERE stream_id = ? AND revision >= ? ORDER BY revision`); err != nil {
		return fmt.Errorf("prepare stream read: %w", err)
	}
	if s.span, err = db.PrepareContext(ctx, `SELECT `+recordColumns+` FROM events WHERE stream_id = ? AND revision >= ? AND revision <= ? ORDER BY revision`); err != nil {
		return fmt.Errorf("prepare stream range read: %w", err)
	}
	if s.all, err = db.PrepareContext(ctx, `SELECT `+recordColumns+` FROM events WHERE position > ? ORDER BY position LIMIT ?`); err != nil {
		return fmt.Errorf("prepare log read: %w", err)
	}
	return nil
}

func (s *readStatements) close() error { return closeAll([]*sql.Stmt{s.stream, s.span, s.all}) }

func closeAll(stmts []*sql.Stmt) error {
	var errs []error
	for _, stmt := range stmts {
		if stmt != nil {
			errs = append(errs, stmt.Close())
		}
	}
	return errors.Join(errs...)
}
