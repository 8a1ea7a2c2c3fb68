package readpostgres

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/chance-video/chance/infra/readstore/generations"
	"github.com/chance-video/chance/infra/readstore/inflight"
)

// A generation is one build of a projection: its tables in their own schema,
// "<base>_<projection>_g<N>" (chance_catalogue_v1_g3). A rebuild creates generation N+1
// beside N while N serves; a promote switches the manifest row to N+1 in one
// transaction, then drops N's schema. A schema per generation, rather than a table-name
// suffix, keeps every table name fixed in the SQL (only the schema changes) and makes
// dropping a generation one DROP SCHEMA … CASCADE.
type generation struct {
	number int
	schema string // quoted, ready to splice into SQL
	refs   *inflight.Refs
}

func generationSchema(base, projection string, n int) string {
	return fmt.Sprintf("%s_%s_g%d", base, projection, n)
}

func newGeneration(base, projection string, n int) *generation {
	return &generation{number: n, schema: quote(generationSchema(base, projection, n)), refs: inflight.New()}
}

// sql puts the generation's schema into a statement that names its tables {s}.table.
func (g *generation) sql(query string) string { return strings.ReplaceAll(query, "{s}", g.schema) }

// projection is the serving generation of a projection and its build in progress in
// this process (generations.Projection).
type projection = generations.Projection[generation, *generation]

// InFlight counts the calls using the generation.
func (g *generation) InFlight() *inflight.Refs { return g.refs }

// Number is the generation's number.
func (g *generation) Number() int { return g.number }

// createGeneration creates generation n of projection, empty, in tx.
func (s *Store) createGeneration(ctx context.Context, tx pgx.Tx, projection string, n int) error {
	ddl, err := layout(projection)
	if err != nil {
		return err
	}
	schema := quote(generationSchema(s.schema, projection, n))
	for _, stmt := range []string{
		`CREATE SCHEMA ` + schema,
		// The layout names its tables unqualified, and the trigram operator class too.
		`SET LOCAL search_path TO ` + schema + `, ` + s.trgm,
		ddl,
		`SET LOCAL search_path TO DEFAULT`,
	} {
		if _, err := tx.Exec(ctx, stmt); err != nil {
			return fmt.Errorf("create generation %d of %s: %w", n, projection, err)
		}
	}
	return nil
}

// dropGeneration drops generation n of projection: its schema and its checkpoint.
func (s *Store) dropGeneration(ctx context.Context, db pgx.Tx, projection string, n int) error {
	if _, err := db.Exec(ctx, `DROP SCHEMA IF EXISTS `+quote(generationSchema(s.schema, projection, n))+` CASCADE`); err != nil {
		return fmt.Errorf("drop generation %d of %s: %w", n, projection, err)
	}
	if _, err := db.Exec(ctx, `DELETE FROM `+s.base+`.checkpoints WHERE projection = $1 AND generation = $2`, projection, n); err != nil {
		return fmt.Errorf("drop checkpoint of generation %d of %s: %w", n, projection, err)
	}
	return nil
}

// buildLock names the advisory lock that the process building a shadow of a projection
// holds, at session level, until it promotes or discards. A crashed builder's session
// ends and frees it, so a lock that can be taken means no build is alive.
func (s *Store) buildLock(projection string) string { return s.schema + "/" + projection }

// dropStrays drops the generations of projection other than serving: shadows whose
// builder crashed, or old generations whose drop after a promote was cut short. It does
// nothing while some session (another process, or this one's shadow) holds the build
// lock; in the builder's own session the lock is re-entrant. It runs in tx.
func (s *Store) dropStrays(ctx context.Context, tx pgx.Tx, projection string, serving int) (highest int, err error) {
	var free bool
	if err := tx.QueryRow(ctx, `SELECT pg_try_advisory_xact_lock(hashtextextended($1, 0))`, s.buildLock(projection)).Scan(&free); err != nil {
		return 0, err
	}
	if !free {
		return 0, nil
	}
	prefix := generationSchema(s.schema, projection, 0)
	prefix = prefix[:len(prefix)-1] // "<base>_<projection>_g"
	rows, err := tx.Query(ctx, `SELECT nspname FROM pg_namespace WHERE starts_with(nspname, $1)`, prefix)
	if err != nil {
		return 0, err
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return 0, err
	}
	var errs []error
	for _, name := range names {
		n, err := strconv.Atoi(strings.TrimPrefix(name, prefix))
		if err != nil || n <= 0 || generationSchema(s.schema, projection, n) != name {
			continue // not a generation of this store
		}
		highest = max(highest, n)
		if n != serving {
			errs = append(errs, s.dropGeneration(ctx, tx, projection, n))
		}
	}
	return highest, errors.Join(errs...)
}
