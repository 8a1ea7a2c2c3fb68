package readsqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/chance-video/chance/eventlog"
	"github.com/chance-video/chance/projections"
)

// tx is one Update: the projection it was opened for, and the statements it has bound
// so far. Projectors never see it: they get their read model's writes over it (see
// model.writes).
type tx struct {
	projection string
	sql        *sql.Tx
	file       *file
	stmts      map[string]*sql.Stmt

	// Rows held until flush (see rowbatch.go): by batched statement, and folded writes.
	pending      map[string]*pendingRows
	pendingOrder []string
	folds        map[string]any // by model: see folded
	flushers     []func()
}

// update runs fn in one transaction of f and records reached as the checkpoint in it.
// If fn fails nothing is committed: neither rows nor checkpoint change.
func update(ctx context.Context, f *file, name string, reached eventlog.Position, fn func(projections.Writes) error) error {
	commit, err := positionArg(reached.Commit)
	if err != nil {
		return fmt.Errorf("update %s: %w", name, err)
	}
	prepare, err := positionArg(reached.Prepare)
	if err != nil {
		return fmt.Errorf("update %s: %w", name, err)
	}
	sqlTx, err := f.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("update %s: begin: %w", name, err)
	}
	defer sqlTx.Rollback() //nolint:errcheck // a no-op after Commit
	t := &tx{projection: name, sql: sqlTx, file: f, stmts: map[string]*sql.Stmt{},
		pending: map[string]*pendingRows{}, folds: map[string]any{}}
	if err := fn(writesOf(name, t)); err != nil {
		return fmt.Errorf("update %s to %s: %w", name, reached, err)
	}
	if err := t.flush(ctx); err != nil {
		return fmt.Errorf("update %s to %s: %w", name, reached, err)
	}
	if err := t.exec(ctx, upsertCheckpoint, commit, prepare); err != nil {
		return fmt.Errorf("update %s: checkpoint %s: %w", name, reached, err)
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("update %s to %s: commit: %w", name, reached, err)
	}
	return nil
}

// stmt binds query to this transaction: a statement prepared when the file opened, or,
// for one that was not, prepared now for the rest of the transaction.
func (t *tx) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	if s, ok := t.stmts[query]; ok {
		return s, nil
	}
	var s *sql.Stmt
	if prepared, ok := t.file.prepared(query); ok {
		s = t.sql.StmtContext(ctx, prepared)
	} else {
		var err error
		if s, err = t.sql.PrepareContext(ctx, query); err != nil {
			return nil, err
		}
	}
	t.stmts[query] = s
	return s, nil
}

func (t *tx) exec(ctx context.Context, query string, args ...any) error {
	s, err := t.stmt(ctx, query)
	if err != nil {
		return err
	}
	_, err = s.ExecContext(ctx, args...)
	return err
}

func (t *tx) queryRow(ctx context.Context, query string, args ...any) (*sql.Row, error) {
	s, err := t.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return s.QueryRowContext(ctx, args...), nil
}
