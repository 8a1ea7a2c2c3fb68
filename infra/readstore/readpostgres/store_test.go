package readpostgres

import (
	"context"
	"sync"
	"testing"

	"github.com/chance-video/chance/infra/readstore/readpostgres/pgtest"
	"github.com/chance-video/chance/infra/readstore/readstoretest"
)

// The tests run against the server named by CHANCE_TEST_POSTGRES_URL, each in schemas of
// its own, dropped when it ends. Without the variable they skip, unless
// CHANCE_REQUIRE_POSTGRES=1 (CI) makes that a failure (see pgtest).

func TestContract(t *testing.T) {
	url := testURL(t)
	readstoretest.Run(t, func(t *testing.T) readstoretest.Store { return openIn(t, url, testSchema(t, url)) })
}

// testURL returns the server's URL or skips (or fails) the test.
func testURL(t testing.TB) string { return pgtest.URL(t) }

// schemas gives each test one base schema, so that opening again in the same test is a
// restart.
var schemas sync.Map // testing.TB → string

// testSchema returns the test's base schema, made up on first use; it and its
// generations' schemas are dropped when the test ends.
func testSchema(t testing.TB, url string) string {
	t.Helper()
	if name, ok := schemas.Load(t); ok {
		return name.(string)
	}
	name := pgtest.Schema(t, url)
	schemas.Store(t, name)
	t.Cleanup(func() { schemas.Delete(t) })
	return name
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
