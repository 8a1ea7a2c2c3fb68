package postgres

import (
	"context"
	"embed"
	"io/fs"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/chance-video/chance/infra/pgmigrate"
)

// The log's tables change through numbered migrations compiled into the binary:
// NNNN_what.sql, applied in order, each once, recorded in <schema>.schema_migrations
// (see pgmigrate).
//
// WARNING: a migration that was released is never edited or renumbered; a change is a
// new file. The runner compares only version numbers.

//go:embed migrations/*.sql
var migrationFiles embed.FS

type migration = pgmigrate.Migration

// migrationConfig says where the event store's migrations are recorded and which lock
// serialises them: two processes starting at once on a new schema migrate one after the
// other instead of both creating the tables (or both inserting the log_head row). Both
// names are in existing databases: never change them.
var migrationConfig = pgmigrate.Config{
	Lock:  "chance event store: migrations",
	Table: "schema_migrations",
}

// loadMigrations reads the embedded files, ordered by version.
func loadMigrations(files fs.FS) ([]migration, error) { return pgmigrate.Load(files) }

// migrate brings schema up to the latest migration (see pgmigrate.Apply).
func migrate(ctx context.Context, pool *pgxpool.Pool, schema string, ms []migration) (applied []int, err error) {
	return pgmigrate.Apply(ctx, pool, schema, migrationConfig, ms)
}

// quote makes an identifier safe to splice into SQL.
func quote(name string) string { return pgx.Identifier{name}.Sanitize() }
