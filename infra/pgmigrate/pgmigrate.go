// Package pgmigrate applies a store's numbered SQL migrations to a PostgreSQL schema.
// The migrations are compiled into the binary as migrations/NNNN_what.sql, applied in
// order, each once, in one transaction under an advisory lock, and recorded in a table
// of the schema.
//
// WARNING: a migration that was released is never edited or renumbered; a change is a
// new file. The runner compares only version numbers.
package pgmigrate

import (
	"context"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
)

// Migration is one numbered file.
type Migration struct {
	Version int
	Name    string // the file name without .sql
	SQL     string
}

// Config is what differs between the stores that migrate. Lock and Table are part of
// what a database already holds: changing either makes a new build migrate an existing
// schema again (or race with an old build), so each store keeps its own for good.
type Config struct {
	// Lock is the key (hashed by hashtextextended) of the transaction-level advisory
	// lock that serialises the store's migrations.
	Lock string
	// Table records the applied versions, in the migrated schema.
	Table string
	// SearchPath names schemas to search after the migrated one while migrations run
	// (they name their own tables unqualified), e.g. public for an extension's functions.
	SearchPath []string
}

// Beginner starts a transaction: a *pgxpool.Pool or a *pgx.Conn.
type Beginner interface {
	Begin(ctx context.Context) (pgx.Tx, error)
}

// Load reads migrations/*.sql from files, ordered by version, and checks that the
// versions run 1, 2, 3 … without a gap or a duplicate.
func Load(files fs.FS) ([]Migration, error) {
	names, err := fs.Glob(files, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	var out []Migration
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
		out = append(out, Migration{Version: version, Name: strings.TrimSuffix(base, ".sql"), SQL: string(b)})
	}
	slices.SortFunc(out, func(a, b Migration) int { return a.Version - b.Version })
	for i, m := range out {
		if m.Version != i+1 {
			return nil, fmt.Errorf("migration %s: want version %d (versions must run from 1 without gaps or duplicates)", m.Name, i+1)
		}
	}
	return out, nil
}

// Lock takes the transaction-level advisory lock named by key: it is held until tx ends.
func Lock(ctx context.Context, tx pgx.Tx, key string) error {
	_, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, key)
	return err
}

// Apply brings schema up to the latest of migrations, in one transaction under the
// lock of cfg: either every pending migration applies or none does. It returns the
// versions it applied (none if the schema was up to date).
func Apply(ctx context.Context, db Beginner, schema string, cfg Config, migrations []Migration) (applied []int, err error) {
	base := quote(schema)
	table := base + "." + quote(cfg.Table)
	searchPath := base
	for _, s := range cfg.SearchPath {
		searchPath += ", " + quote(s)
	}
	err = pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		if err := Lock(ctx, tx, cfg.Lock); err != nil {
			return err
		}
		for _, stmt := range []string{
			`CREATE SCHEMA IF NOT EXISTS ` + base,
			`CREATE TABLE IF NOT EXISTS ` + table + ` (
				version    integer PRIMARY KEY,
				name       text        NOT NULL,
				applied_at timestamptz NOT NULL DEFAULT now()
			)`,
			`SET LOCAL search_path TO ` + searchPath,
		} {
			if _, err := tx.Exec(ctx, stmt); err != nil {
				return err
			}
		}
		rows, err := tx.Query(ctx, `SELECT version FROM `+table)
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
			if slices.Contains(done, m.Version) {
				continue
			}
			if _, err := tx.Exec(ctx, m.SQL); err != nil {
				return fmt.Errorf("migration %s: %w", m.Name, err)
			}
			if _, err := tx.Exec(ctx, `INSERT INTO `+table+` (version, name) VALUES ($1, $2)`, m.Version, m.Name); err != nil {
				return fmt.Errorf("record migration %s: %w", m.Name, err)
			}
			applied = append(applied, m.Version)
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
