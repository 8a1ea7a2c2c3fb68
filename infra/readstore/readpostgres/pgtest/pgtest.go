// Package pgtest gives tests a PostgreSQL server to use: the one named by
// CHANCE_TEST_POSTGRES_URL, with a fresh schema prefix per test, dropped afterwards.
// Without the variable a test skips, unless CHANCE_REQUIRE_POSTGRES=1 (as in CI)
// turns that into a failure.
package pgtest

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// Variables that point tests at a server.
const (
	URLVariable     = "CHANCE_TEST_POSTGRES_URL"
	RequireVariable = "CHANCE_REQUIRE_POSTGRES"
)

// URL returns the server's URL, or skips (or fails) the test without one.
func URL(t testing.TB) string {
	t.Helper()
	url := os.Getenv(URLVariable)
	if url == "" {
		if os.Getenv(RequireVariable) == "1" {
			t.Fatalf("%s is not set and %s=1: the PostgreSQL tests must run", URLVariable, RequireVariable)
		}
		t.Skipf("%s is not set: skipping the PostgreSQL run (e.g. %s=postgres://postgres@127.0.0.1:5432/test?sslmode=disable)", URLVariable, URLVariable)
	}
	return url
}

// Schema returns a fresh schema prefix; every schema starting with it is dropped when
// the test ends.
func Schema(t testing.TB, url string) string {
	t.Helper()
	prefix := "t_" + strings.ReplaceAll(uuid.NewString()[:13], "-", "")
	t.Cleanup(func() {
		if err := DropSchemas(context.Background(), url, prefix); err != nil {
			t.Errorf("clean up schemas %s*: %v", prefix, err)
		}
	})
	return prefix
}

// DropSchemas drops every schema whose name starts with prefix.
func DropSchemas(ctx context.Context, url, prefix string) error {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, `SELECT nspname FROM pg_namespace WHERE starts_with(nspname, $1)`, prefix)
	if err != nil {
		return err
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return err
	}
	for _, n := range names {
		if _, err := conn.Exec(ctx, `DROP SCHEMA `+pgx.Identifier{n}.Sanitize()+` CASCADE`); err != nil {
			return err
		}
	}
	return nil
}
