package readsqlite

import (
	"database/sql"
	"testing"

	"github.com/chance-video/chance/readmodel/catalogue"
	"github.com/chance-video/chance/readmodel/ledger"
)

// The page caches a store is given are the ones its connections run with: PRAGMA
// cache_size read back on the writer and on every reader of each kind of file, the
// serving generation and a rebuild's.
func TestPageCachesFollowTheBudget(t *testing.T) {
	const totalKiB = 16 << 10
	s, err := OpenWith(t.TempDir(), Options{CacheKiB: totalKiB})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	plan := planCaches(totalKiB, projectionNames())
	for _, name := range projectionNames() {
		if w, r := s.CacheKiB(name); w != plan.projection(name).WriterKiB || r != plan.projection(name).ReaderKiB || w == 0 || r == 0 {
			t.Fatalf("CacheKiB(%s) = %d, %d; plan %+v", name, w, r, plan)
		}
	}
	if sum := plannedKiB(plan); sum > totalKiB || sum < totalKiB*9/10 {
		t.Errorf("the plan takes %d KiB of %d", sum, totalKiB)
	}
	// The catalogue, which answers searches, gets more than a projection read less.
	if c, l := plan.projection(catalogue.Name), plan.projection(ledger.Name); c.ReaderKiB != 3*l.ReaderKiB {
		t.Errorf("catalogue readers %d KiB, ledger readers %d KiB: want 3×", c.ReaderKiB, l.ReaderKiB)
	}
	check := func(what string, f *file, want cacheSizes) {
		t.Helper()
		if got := cacheSize(t, f.write, 1); got != want.WriterKiB {
			t.Errorf("%s writer: cache_size %d KiB, want %d", what, got, want.WriterKiB)
		}
		if got := cacheSize(t, f.read, readConns); got != want.ReaderKiB {
			t.Errorf("%s readers: cache_size %d KiB, want %d", what, got, want.ReaderKiB)
		}
	}
	for _, name := range projectionNames() {
		g, release, err := s.projections[name].Acquire()
		if err != nil {
			t.Fatal(err)
		}
		check(name, g.file, plan.projection(name))
		release()
	}
	for what, p := range map[string]*slot{"inbox": s.inbox, "dead letters": s.deadLetters, "sent": s.sent, "followers": s.followers} {
		g, release, err := p.Acquire()
		if err != nil {
			t.Fatal(err)
		}
		check(what, g.file, plan.other)
		release()
	}
	// A rebuild's generation, once it serves, runs with the same sizes.
	shadow, err := s.Shadow(t.Context(), catalogue.Name)
	if err != nil {
		t.Fatal(err)
	}
	if err := shadow.Promote(t.Context()); err != nil {
		t.Fatal(err)
	}
	g, release, err := s.projections[catalogue.Name].Acquire()
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	if g.number != 2 {
		t.Fatalf("serving generation %d after a rebuild, want 2", g.number)
	}
	check("rebuilt "+catalogue.Name, g.file, plan.projection(catalogue.Name))
}

func TestPageCachePlanKeepsAFloor(t *testing.T) {
	plan := planCaches(1<<10, projectionNames()) // far below any budget config allows
	for _, c := range []cacheSizes{plan.projection(ledger.Name), plan.projection(catalogue.Name), plan.other} {
		if c.WriterKiB < minConnCacheKiB || c.ReaderKiB < minConnCacheKiB {
			t.Errorf("%+v is below the floor of %d KiB", c, minConnCacheKiB)
		}
	}
	if _, err := OpenWith(t.TempDir(), Options{CacheKiB: -1}); err == nil {
		t.Error("a negative cache was accepted")
	}
}

func plannedKiB(p cachePlan) int {
	per := func(c cacheSizes) int { return c.WriterKiB + readConns*c.ReaderKiB }
	sum := otherFiles * per(p.other)
	for _, c := range p.projections {
		sum += per(c)
	}
	return sum
}

// cacheSize reads PRAGMA cache_size on conns connections of db held at once (so each
// is a different connection of the pool) and checks they agree; negative means KiB.
func cacheSize(t *testing.T, db *sql.DB, conns int) int {
	t.Helper()
	var first int
	for i := range conns {
		c, err := db.Conn(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		var size int
		if err := c.QueryRowContext(t.Context(), `PRAGMA cache_size`).Scan(&size); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			first = size
		} else if size != first {
			t.Errorf("connection %d: cache_size %d, connection 0: %d", i, size, first)
		}
	}
	return -first
}
