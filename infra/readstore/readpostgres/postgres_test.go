package readpostgres

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/chance-video/chance/domain/pricing"
	"github.com/chance-video/chance/eventlog"
	"github.com/chance-video/chance/infra/pgmigrate"
	"github.com/chance-video/chance/projections"
	"github.com/chance-video/chance/readmodel/accounts"
	"github.com/chance-video/chance/readmodel/catalogue"
	"github.com/chance-video/chance/readmodel/ledger"
)

func pos(n uint64) eventlog.Position { return eventlog.Position{Commit: n, Prepare: n} }

func onSale(title string, actors ...string) catalogue.Premiere {
	return catalogue.Premiere{ID: uuid.New(), Title: title, Actors: actors, OnSale: true,
		Terms: pricing.Terms{OnlinePrice: 50_000, StandardHours: 48}, PublishedAt: time.Now().UTC().Truncate(time.Microsecond)}
}

func put(t testing.TB, st projections.Store, reached uint64, ps ...catalogue.Premiere) {
	t.Helper()
	err := projections.Update(context.Background(), st, catalogue.Name, pos(reached), func(tx catalogue.Writes) error {
		for _, p := range ps {
			if err := tx.PutPremiere(context.Background(), p); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func found(t testing.TB, s *Store, q catalogue.SearchQuery) []uuid.UUID {
	t.Helper()
	q.Limit = catalogue.MaxSearchLimit
	res, err := s.Search(context.Background(), q)
	if err != nil {
		t.Fatalf("search %+v: %v", q, err)
	}
	ids := make([]uuid.UUID, len(res.Items))
	for i, p := range res.Items {
		ids[i] = p.ID
	}
	if res.Total != len(ids) {
		t.Errorf("search %+v: total %d, %d items", q, res.Total, len(ids))
	}
	return ids
}

// TestMigrationsAreIdempotent: Open records every embedded migration where the runner
// looks for them, so migrating again (or opening again) applies nothing. The runner
// itself is tested in pgmigrate.
func TestMigrationsAreIdempotent(t *testing.T) {
	url := testURL(t)
	schema := testSchema(t, url)
	s := openIn(t, url, schema)
	migrations, err := pgmigrate.Load(migrationFiles)
	if err != nil {
		t.Fatal(err)
	}
	applied, err := pgmigrate.Apply(t.Context(), s.pool, schema, migrationConfig, migrations)
	if err != nil {
		t.Fatal(err)
	}
	if len(applied) != 0 {
		t.Errorf("migrating an up-to-date schema applied %v", applied)
	}
	var versions []int
	rows, _ := s.pool.Query(t.Context(), `SELECT version FROM `+quote(schema)+`.schema_migrations ORDER BY version`)
	versions, err = pgx.CollectRows(rows, pgx.RowTo[int])
	if err != nil {
		t.Fatal(err)
	}
	if want := len(migrations); len(versions) != want || versions[want-1] != want {
		t.Errorf("recorded migrations %v, want 1..%d once each", versions, want)
	}
	// Opening again (a restart, or a second process) changes nothing either.
	openIn(t, url, schema)
}

func TestMigrationsInParallel(t *testing.T) {
	url := testURL(t)
	schema := testSchema(t, url)
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for range 4 {
		wg.Go(func() {
			s, err := Open(context.Background(), url, WithSchema(schema))
			if err == nil {
				err = s.Close()
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("open in parallel: %v", err)
		}
	}
}

func TestEmbeddedMigrationsLoad(t *testing.T) {
	if _, err := pgmigrate.Load(migrationFiles); err != nil {
		t.Errorf("the embedded migrations: %v", err)
	}
}

func TestOpenFailsFast(t *testing.T) {
	for name, url := range map[string]string{
		"bad URL":     "postgres://user:pass@host:notaport/db",
		"unreachable": "postgres://postgres@127.0.0.1:1/test?sslmode=disable&connect_timeout=2",
	} {
		started := time.Now()
		s, err := Open(context.Background(), url)
		if err == nil {
			s.Close()
			t.Errorf("%s: opened", name)
			continue
		}
		if took := time.Since(started); took > 5*time.Second {
			t.Errorf("%s: failed after %s", name, took)
		}
		if strings.Contains(err.Error(), "pass@") {
			t.Errorf("%s: the error shows the password: %v", name, err)
		}
		t.Logf("%s: %v", name, err)
	}
	if _, err := Open(context.Background(), testURL(t), WithSchema("Bad-Name")); err == nil {
		t.Error("a schema name that needs quoting was accepted")
	}
}

func TestSearchTypoPrefixAndForms(t *testing.T) {
	url := testURL(t)
	s := openIn(t, url, testSchema(t, url))
	mauser := onSale("Маузер", "Артём Голованов")
	elka := onSale("Ёлка во дворе", "Илья Ким")
	put(t, s, 1, mauser, elka, onSale("Бронепоезд", "Всеволод Краснов"))
	for _, text := range []string{"Маузер", "Маузера", "Мауззер", "Мауз", "маузером", "Голованову", "Голлованов"} {
		if got := found(t, s, catalogue.SearchQuery{Text: text}); !slices.Equal(got, []uuid.UUID{mauser.ID}) {
			t.Errorf("%q found %v, want «Маузер»", text, got)
		}
	}
	for _, text := range []string{"ёлка", "елка", "Ёлки", "дворе ёлка"} {
		if got := found(t, s, catalogue.SearchQuery{Text: text}); !slices.Equal(got, []uuid.UUID{elka.ID}) {
			t.Errorf("%q found %v, want «Ёлка во дворе»", text, got)
		}
	}
	for _, text := range []string{"маузерист", "зебра", "Мазуер"} {
		if got := found(t, s, catalogue.SearchQuery{Text: text}); len(got) != 0 {
			t.Errorf("%q found %v, want nothing", text, got)
		}
	}
	// A stop word is matched as a part of the text, not dropped.
	if got := found(t, s, catalogue.SearchQuery{Text: "во дворе"}); !slices.Equal(got, []uuid.UUID{elka.ID}) {
		t.Errorf("«во дворе» found %v", got)
	}
}

// TestQueriesDuringRebuild queries continuously while catalogue and accounts are rebuilt
// and promoted: every query must succeed and see every row, before, during and after.
func TestQueriesDuringRebuild(t *testing.T) {
	url := testURL(t)
	s := openIn(t, url, testSchema(t, url))
	ctx := t.Context()
	var stock []catalogue.Premiere
	for i := range 50 {
		stock = append(stock, onSale(fmt.Sprintf("Маузер, акт %d", i), "Артём Голованов"))
	}
	put(t, s, 10, stock...)
	user := uuid.New()
	putBalance := func(st projections.Store, reached uint64) {
		t.Helper()
		err := projections.Update(ctx, st, accounts.Name, pos(reached), func(tx accounts.Writes) error { return tx.PutBalance(ctx, user, 500) })
		if err != nil {
			t.Fatal(err)
		}
	}
	putBalance(s, 11)

	stop, ticks := make(chan struct{}), make(chan int)
	errs := make(chan error, 1)
	go func() {
		defer close(errs)
		for n := 1; ; n++ {
			select {
			case <-stop:
				return
			default:
			}
			res, err := s.Search(ctx, catalogue.SearchQuery{Text: "маузер", Limit: catalogue.MaxSearchLimit})
			if err == nil && (res.Total != len(stock) || len(res.Items) != len(stock)) {
				err = fmt.Errorf("search found %d of %d premieres (total %d)", len(res.Items), len(stock), res.Total)
			}
			if err == nil {
				b, berr := s.Balance(ctx, user)
				if err = berr; err == nil && b != 500 {
					err = fmt.Errorf("balance %d, want 500", b)
				}
			}
			if err != nil {
				errs <- fmt.Errorf("query %d: %w", n, err)
				return
			}
			select { // tell the test how far the queries got, if it is listening
			case ticks <- n:
			default:
			}
		}
	}()
	waitQueries := func(k int) {
		t.Helper()
		for range k {
			select {
			case <-ticks:
			case err := <-errs:
				t.Fatal(err)
			}
		}
	}

	waitQueries(3)
	for _, name := range []string{catalogue.Name, accounts.Name} {
		sh, err := s.Shadow(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		if name == catalogue.Name {
			for i := 0; i < len(stock); i += 10 {
				put(t, sh, uint64(i+1), stock[i:i+10]...)
				waitQueries(1) // queries keep running against the serving generation
			}
		} else {
			putBalance(sh, 11)
		}
		if err := sh.Promote(ctx); err != nil {
			t.Fatal(err)
		}
		waitQueries(3)
	}
	close(stop)
	if err := <-errs; err != nil {
		t.Fatal(err)
	}
	if gens := s.servingGenerations(t); gens[catalogue.Name] != 2 || gens[accounts.Name] != 2 {
		t.Errorf("serving generations after the rebuilds: %v", gens)
	}
}

// servingGenerations reads the manifest.
func (s *Store) servingGenerations(t testing.TB) map[string]int {
	t.Helper()
	out := map[string]int{}
	var (
		name string
		n    int
	)
	rows, _ := s.pool.Query(context.Background(), `SELECT projection, serving FROM `+s.base+`.generations`)
	_, err := pgx.ForEachRow(rows, []any{&name, &n}, func() error { out[name] = n; return nil })
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func schemaExists(t testing.TB, s *Store, name string) bool {
	t.Helper()
	var exists bool
	if err := s.pool.QueryRow(context.Background(), `SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1)`, name).Scan(&exists); err != nil {
		t.Fatal(err)
	}
	return exists
}

// TestTwoProcesses runs two stores on one schema, as two processes would: a rebuild
// promoted by one is served by the other, whose reads find the new generation when the
// old one is dropped and whose next Update is refused once, with nothing written.
func TestTwoProcesses(t *testing.T) {
	url := testURL(t)
	schema := testSchema(t, url)
	a, b := openIn(t, url, schema), openIn(t, url, schema)
	ctx := t.Context()
	old := onSale("Старый спектакль")
	put(t, a, 1, old)
	if got := found(t, b, catalogue.SearchQuery{Text: "спектакль"}); !slices.Equal(got, []uuid.UUID{old.ID}) {
		t.Fatalf("b finds %v", got)
	}

	sh, err := b.Shadow(ctx, catalogue.Name)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Shadow(ctx, catalogue.Name); !errors.Is(err, projections.ErrRebuildInProgress) {
		t.Errorf("a second build, in another process: %v, want projections.ErrRebuildInProgress", err)
	}
	if _, err := b.Shadow(ctx, catalogue.Name); !errors.Is(err, projections.ErrRebuildInProgress) {
		t.Errorf("a second build, in the same process: %v, want projections.ErrRebuildInProgress", err)
	}
	rebuilt := onSale("Новый спектакль")
	put(t, sh, 1, rebuilt)
	if err := sh.Promote(ctx); err != nil {
		t.Fatal(err)
	}
	if schemaExists(t, a, generationSchema(schema, catalogue.Name, 1)) {
		t.Error("the old generation outlived the promote")
	}

	// a still points at generation 1: its read finds it gone and follows the manifest.
	if got := found(t, a, catalogue.SearchQuery{Text: "спектакль"}); !slices.Equal(got, []uuid.UUID{rebuilt.ID}) {
		t.Errorf("a finds %v after b promoted, want the rebuilt premiere", got)
	}
	if cp, err := a.Checkpoint(ctx, catalogue.Name); err != nil || cp != pos(1) {
		t.Errorf("a's checkpoint after b promoted: %s, %v", cp, err)
	}
	// An Update prepared against the old generation is refused whole.
	c, err := Open(ctx, url, WithSchema(schema))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	sh, err = b.Shadow(ctx, catalogue.Name)
	if err != nil {
		t.Fatal(err)
	}
	put(t, sh, 2, rebuilt)
	if err := sh.Promote(ctx); err != nil {
		t.Fatal(err)
	}
	lost := onSale("Потерянный спектакль")
	err = projections.Update(ctx, c, catalogue.Name, pos(3), func(tx catalogue.Writes) error { return tx.PutPremiere(ctx, lost) })
	if !errors.Is(err, ErrGenerationChanged) {
		t.Errorf("an update of a generation another process replaced: %v, want ErrGenerationChanged", err)
	}
	if cp, _ := c.Checkpoint(ctx, catalogue.Name); cp != pos(2) {
		t.Errorf("checkpoint after a refused update: %s, want 2", cp)
	}
	put(t, c, 3, lost) // the retry goes to the new generation
	if got := found(t, b, catalogue.SearchQuery{Text: "спектакль"}); len(got) != 2 {
		t.Errorf("b finds %d premieres after c's retried update, want 2", len(got))
	}
}

// TestStraysAreDropped leaves what a crash can: a build whose process died (its schema,
// its checkpoint) and an old generation whose drop was cut short. Opening drops both, and
// new generations number past them.
func TestStraysAreDropped(t *testing.T) {
	url := testURL(t)
	schema := testSchema(t, url)
	s := openIn(t, url, schema)
	ctx := t.Context()
	strays := []string{generationSchema(schema, catalogue.Name, 7), generationSchema(schema, ledger.Name, 2)}
	for _, name := range strays {
		if _, err := s.pool.Exec(ctx, `CREATE SCHEMA `+quote(name)); err != nil {
			t.Fatal(err)
		}
	}
	foreign := schema + "_notes"
	if _, err := s.pool.Exec(ctx, `CREATE SCHEMA `+quote(foreign)); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = openIn(t, url, schema)
	for _, name := range strays {
		if schemaExists(t, s, name) {
			t.Errorf("%s was not dropped", name)
		}
	}
	if !schemaExists(t, s, foreign) || !schemaExists(t, s, generationSchema(schema, catalogue.Name, 1)) {
		t.Error("Open dropped a schema that is not a stray")
	}
	sh, err := s.Shadow(ctx, catalogue.Name)
	if err != nil {
		t.Fatal(err)
	}
	defer sh.Discard(ctx) //nolint:errcheck
	if !schemaExists(t, s, generationSchema(schema, catalogue.Name, 2)) {
		t.Error("the next catalogue generation is not 2 (the manifest's next)")
	}
}
