package readpostgres

import (
	"embed"

	"github.com/jackc/pgx/v5"

	"github.com/chance-video/chance/infra/pgmigrate"
)

// The shared tables (manifest, checkpoints, inbox) change through numbered migrations
// compiled into the binary: NNNN_what.sql, applied in order, each once, recorded in
// <schema>.schema_migrations (see pgmigrate). Projection tables are not migrated: a
// projection whose rows change shape gets a new name and is rebuilt (see layout.go).
//
// WARNING: a migration that was released is never edited or renumbered; a change is a
// new file. The runner compares only version numbers.

//go:embed migrations/*.sql
var migrationFiles embed.FS

// migrationConfig's lock is one advisory lock for every store's migrations in the
// database: two processes starting at once migrate one after the other, and CREATE
// EXTENSION never races with itself. Migrations name their tables unqualified; public is
// on the search path for pg_trgm. The lock and table names are in existing databases:
// never change them.
var migrationConfig = pgmigrate.Config{
	Lock:       "chance read store: migrations",
	Table:      "schema_migrations",
	SearchPath: []string{"public"},
}

// quote makes an identifier safe to splice into SQL.
func quote(name string) string { return pgx.Identifier{name}.Sanitize() }
