package postgres

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/chance-video/chance/infra/readstore/readstoretest"
)

// The tests run against the server named by CHANCE_TEST_POSTGRES_URL, each in schemas of
// its own, dropped when it ends. Without the variable they skip, unless
// CHANCE_REQUIRE_POSTGRES=1 (CI) makes that a failure.
const (
	urlVariable     = "CHANCE_TEST_POSTGRES_URL"
	requireVariable = "CHANCE_REQUIRE_POSTGRES"
)

// testURL returns the server's URL or skips (or fails) the test.
func testURL(t testing.TB) string {
	t.Helper()
	url := os.Getenv(urlVariable)
	if url == "" {
		if os.Getenv(requireVariable) == "1" {
			t.Fatalf("%s is not set and %s=1: the PostgreSQL read store tests must run", urlVariable, requireVariable)
		}
		t.Skipf("%s is not set: skipping the PostgreSQL read store tests (e.g. %s=postgres://postgres@127.0.0.1:5432/test?sslmode=disable)", urlVariable, urlVariable)
	}
	return url
}

func TestContract(t *testing.T) {
	url := testURL(t)
	readstoretest.Run(t, func(t *testing.T) readstoretest.Store { return openIn(t, url, testSchema(t, url)) })
}

// schemas gives each test one base schema, so that opening again in the same test is a
// restart.
var schemas sync.Map // *testing.T → string

// testSchema returns the test's base schema, made up on first use and dropped, with its
// generations, when the test ends.
func testSchema(t testing.TB, url string) string {
	t.Helper()
	fresh := newSchemaName(t)
	name, loaded := schemas.LoadOrStore(t, fresh)
	if !loaded {
		t.Cleanup(func() {
			schemas.Delete(t)
			dropSchemas(t, url, fresh)
		})
	}
	return name.(string)
}

func newSchemaName(t testing.TB) string {
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return "t_" + hex.EncodeToString(b)
}

// dropSchemas drops base and every schema whose name starts with it (its generations).
func dropSchemas(t testing.TB, url, base string) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Errorf("drop test schemas: %v", err)
		return
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, `SELECT nspname FROM pg_namespace WHERE nspname = $1 OR starts_with(nspname, $1 || '_')`, base)
	if err != nil {
		t.Errorf("drop test schemas: %v", err)
		return
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Errorf("drop test schemas: %v", err)
		return
	}
	for _, name := range names {
		if _, err := conn.Exec(ctx, `DROP SCHEMA `+quote(name)+` CASCADE`); err != nil {
			t.Errorf("drop schema %s: %v", name, err)
		}
	}
}

// openIn opens a store in schema and closes it when the test ends.
func openIn(t testing.TB, url, schema string) *Store {
	t.Helper()
	s, err := Open(context.Background(), url, WithSchema(schema))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	return s
}
