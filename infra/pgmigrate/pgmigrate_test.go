package pgmigrate

import (
	"context"
	"slices"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/chance-video/chance/infra/readstore/readpostgres/pgtest"
)

var testConfig = Config{Lock: "pgmigrate test: migrations", Table: "applied_versions"}

// files makes a migrations directory of name → SQL.
func files(sql map[string]string) fstest.MapFS {
	fsys := fstest.MapFS{}
	for name, text := range sql {
		fsys["migrations/"+name] = &fstest.MapFile{Data: []byte(text)}
	}
	return fsys
}

func load(t *testing.T, sql map[string]string) []Migration {
	t.Helper()
	ms, err := Load(files(sql))
	if err != nil {
		t.Fatal(err)
	}
	return ms
}

// open gives a pool on the test server and a fresh schema name (dropped afterwards).
func open(t *testing.T) (*pgxpool.Pool, string) {
	t.Helper()
	url := pgtest.URL(t)
	schema := pgtest.Schema(t, url)
	pool, err := pgxpool.New(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return pool, schema
}

func recorded(t *testing.T, pool *pgxpool.Pool, schema string) []int {
	t.Helper()
	rows, _ := pool.Query(t.Context(), `SELECT version FROM `+quote(schema)+`.`+quote(testConfig.Table)+` ORDER BY version`)
	versions, err := pgx.CollectRows(rows, pgx.RowTo[int])
	if err != nil {
		t.Fatal(err)
	}
	return versions
}

func TestLoadOrdersByVersion(t *testing.T) {
	ms := load(t, map[string]string{"0002_b.sql": "SELECT 2", "0001_a.sql": "SELECT 1", "0003_c.sql": "SELECT 3"})
	var got []string
	for _, m := range ms {
		got = append(got, m.Name)
	}
	if want := []string{"0001_a", "0002_b", "0003_c"}; !slices.Equal(got, want) || ms[1].Version != 2 || ms[1].SQL != "SELECT 2" {
		t.Errorf("loaded %+v, want %v in order", ms, want)
	}
}

func TestLoadRefusesGaps(t *testing.T) {
	for name, names := range map[string][]string{
		"gap":        {"0001_a.sql", "0003_c.sql"},
		"duplicate":  {"0001_a.sql", "0001_b.sql"},
		"unnumbered": {"a.sql"},
		"zero":       {"0000_a.sql"},
	} {
		sql := map[string]string{}
		for _, f := range names {
			sql[f] = "SELECT 1"
		}
		if _, err := Load(files(sql)); err == nil {
			t.Errorf("%s: %v accepted", name, names)
		}
	}
}

func TestApplyIsIdempotent(t *testing.T) {
	pool, schema := open(t)
	ms := load(t, map[string]string{
		"0001_things.sql": "CREATE TABLE things (id integer PRIMARY KEY)",
		"0002_first.sql":  "INSERT INTO things VALUES (1)",
	})
	applied, err := Apply(t.Context(), pool, schema, testConfig, ms)
	if err != nil || !slices.Equal(applied, []int{1, 2}) {
		t.Fatalf("first run applied %v, %v; want [1 2]", applied, err)
	}
	for range 2 {
		applied, err := Apply(t.Context(), pool, schema, testConfig, ms)
		if err != nil || len(applied) != 0 {
			t.Errorf("migrating an up-to-date schema applied %v, %v", applied, err)
		}
	}
	if got := recorded(t, pool, schema); !slices.Equal(got, []int{1, 2}) {
		t.Errorf("recorded %v, want [1 2] once each", got)
	}
	// Unqualified names landed in the schema.
	var n int
	if err := pool.QueryRow(t.Context(), `SELECT count(*) FROM `+quote(schema)+`.things`).Scan(&n); err != nil || n != 1 {
		t.Errorf("%d rows in %s.things (%v), want 1", n, schema, err)
	}
}

func TestApplyOnlyPending(t *testing.T) {
	pool, schema := open(t)
	v1 := map[string]string{"0001_things.sql": "CREATE TABLE things (id integer PRIMARY KEY)"}
	if _, err := Apply(t.Context(), pool, schema, testConfig, load(t, v1)); err != nil {
		t.Fatal(err)
	}
	v2 := map[string]string{
		"0001_things.sql": "this is not run again",
		"0002_name.sql":   "ALTER TABLE things ADD COLUMN name text",
	}
	applied, err := Apply(t.Context(), pool, schema, testConfig, load(t, v2))
	if err != nil || !slices.Equal(applied, []int{2}) {
		t.Errorf("upgrade applied %v, %v; want [2]", applied, err)
	}
}

func TestApplyRefusesANewerSchema(t *testing.T) {
	pool, schema := open(t)
	newer := map[string]string{"0001_a.sql": "SELECT 1", "0002_b.sql": "SELECT 2"}
	if _, err := Apply(t.Context(), pool, schema, testConfig, load(t, newer)); err != nil {
		t.Fatal(err)
	}
	older := map[string]string{"0001_a.sql": "SELECT 1"}
	if applied, err := Apply(t.Context(), pool, schema, testConfig, load(t, older)); err == nil {
		t.Errorf("an older build migrated a newer schema: applied %v", applied)
	}
}

func TestApplyIsAllOrNothing(t *testing.T) {
	pool, schema := open(t)
	ms := load(t, map[string]string{
		"0001_things.sql": "CREATE TABLE things (id integer PRIMARY KEY)",
		"0002_broken.sql": "INSERT INTO nowhere VALUES (1)",
	})
	if applied, err := Apply(t.Context(), pool, schema, testConfig, ms); err == nil {
		t.Fatalf("a failing migration applied %v", applied)
	}
	var exists bool
	if err := pool.QueryRow(t.Context(), `SELECT to_regclass($1) IS NOT NULL`, quote(schema)+".things").Scan(&exists); err != nil || exists {
		t.Errorf("migration 1 stayed after 2 failed (%v)", err)
	}
}

// TestApplySearchPath: migrations see the schemas of Config.SearchPath after their own.
func TestApplySearchPath(t *testing.T) {
	pool, schema := open(t)
	helpers := schema + "_helpers"
	for _, stmt := range []string{
		`CREATE SCHEMA ` + quote(helpers),
		`CREATE FUNCTION ` + quote(helpers) + `.answer() RETURNS integer LANGUAGE sql AS 'SELECT 42'`,
	} {
		if _, err := pool.Exec(t.Context(), stmt); err != nil {
			t.Fatal(err)
		}
	}
	cfg := testConfig
	cfg.SearchPath = []string{helpers}
	ms := load(t, map[string]string{"0001_answer.sql": "CREATE TABLE answers AS SELECT answer() AS n"})
	if _, err := Apply(t.Context(), pool, schema, cfg, ms); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := pool.QueryRow(t.Context(), `SELECT n FROM `+quote(schema)+`.answers`).Scan(&n); err != nil || n != 42 {
		t.Errorf("answer %d (%v), want 42", n, err)
	}
}

// TestApplyInParallel: processes starting at once on a new schema migrate it once, one
// after the other (the advisory lock).
func TestApplyInParallel(t *testing.T) {
	pool, schema := open(t)
	ms := load(t, map[string]string{
		"0001_things.sql": "CREATE TABLE things (id integer PRIMARY KEY)",
		"0002_first.sql":  "INSERT INTO things VALUES (1)",
	})
	var (
		wg  sync.WaitGroup
		mu  sync.Mutex
		all []int
	)
	for range 4 {
		wg.Go(func() {
			applied, err := Apply(context.Background(), pool, schema, testConfig, ms)
			if err != nil {
				t.Errorf("apply in parallel: %v", err)
			}
			mu.Lock()
			all = append(all, applied...)
			mu.Unlock()
		})
	}
	wg.Wait()
	slices.Sort(all)
	if !slices.Equal(all, []int{1, 2}) {
		t.Errorf("applied %v in all, want [1 2] once each", all)
	}
}
