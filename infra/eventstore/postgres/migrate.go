package postgres

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// The log's tables change through numbered migrations compiled into the binary:
// NNNN_what.sql, applied in order, each once, recorded in <schema>.schema_migrations.
//
// WARNING: a migration that was released is never edited or renumbered; a change is a
// new file. The runner compares only version numbers.

//go:embed migrations/*.sql
var migrationFiles embed.FS

type migration struct {
	version int
	name    string
	sql     string
}

// migrationLock serialises the event store's migrations in the database: two processes
// starting at once on a new schema migrate one after the other instead of both creating
// the tables (or both inserting the log_head row).
const migrationLock = `SELECT pg_advisory_xact_lock(hashtextextended('chance event store: migrations', 0))`

// loadMigrations reads the embedded files, ordered by version, and checks that the
// versions run 1, 2, 3 … without a gap or a duplicate.
func loadMigrations(files fs.FS) ([]migration, error) {
	names, err := fs.Glob(files, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	var out []migration
	for _, name := range names {
		base := path.Base(name)
		number, _, ok := strings.Cut(base, "_")
		version, err := strconv.Atoi(number)
		if !ok || err != nil || version <= 0 {
			return nil, fmt.Errorf("migration %s: the name must start with a positive number and an underscore", base)
		}
		b, err := fs.ReadFile(files, name)
		if err != nil {
			return nil, err
		}
		out = append(out, migration{version: version, name: strings.TrimSuffix(base, ".sql"), sql: string(b)})
	}
	slices.SortFunc(out, func(a, b migration) int { return a.version - b.version })
	for i, m := range out {
		if m.version != i+1 {
			return nil, fmt.Errorf("migration %s: want version %d (versions must run from 1 without gaps or duplicates)", m.name, i+1)
		}
	}
	return out, nil
}

// migrate brings schema up to the latest migration, in one transaction under the
// migration lock: either every pending migration applies or none does. It returns the
// versions it applied (none if the schema was up to date).
func migrate(ctx context.Context, pool *pgxpool.Pool, schema string, migrations []migration) (applied []int, err error) {
	base := quote(schema)
	err = pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		for _, stmt := range []string{
			migrationLock,
			`CREATE SCHEMA IF NOT EXISTS ` + base,
			`CREATE TABLE IF NOT EXISTS ` + base + `.schema_migrations (
				version    integer PRIMARY KEY,
				name       text        NOT NULL,
				applied_at timestamptz NOT NULL DEFAULT now()
			)`,
			// Migrations name their tables unqualified.
			`SET LOCAL search_path TO ` + base,
		} {
			if _, err := tx.Exec(ctx, stmt); err != nil {
				return err
			}
		}
		rows, err := tx.Query(ctx, `SELECT version FROM `+base+`.schema_migrations`)
		if err != nil {
			return err
		}
		done, err := pgx.CollectRows(rows, pgx.RowTo[int])
		if err != nil {
			return err
		}
		if len(done) > 0 && slices.Max(done) > len(migrations) {
			return fmt.Errorf("the schema is at migration %d, newer than this build knows (%d): run a newer build", slices.Max(done), len(migrations))
		}
		for _, m := range migrations {
			if slices.Contains(done, m.version) {
				continue
			}
			if _, err := tx.Exec(ctx, m.sql); err != nil {
				return fmt.Errorf("migration %s: %w", m.name, err)
			}
			if _, err := tx.Exec(ctx, `INSERT INTO `+base+`.schema_migrations (version, name) VALUES ($1, $2)`, m.version, m.name); err != nil {
				return fmt.Errorf("record migration %s: %w", m.name, err)
			}
			applied = append(applied, m.version)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("migrate schema %s: %w", schema, err)
	}
	return applied, nil
}

// quote makes an identifier safe to splice into SQL.
func quote(name string) string { return pgx.Identifier{name}.Sanitize() }
