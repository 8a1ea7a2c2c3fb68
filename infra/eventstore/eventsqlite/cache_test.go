package eventsqlite

import (
	"database/sql"
	"testing"
)

// Options.CacheKiB is the page cache every connection runs with: PRAGMA cache_size read
// back on the writer's, the checkpointer's and each reader's connection.
func TestEveryConnectionHasTheConfiguredPageCache(t *testing.T) {
	const kib = 1234
	s := openManual(t, Options{CacheKiB: kib})
	for what, conn := range map[string]*sql.Conn{"writer": s.w.conn, "checkpointer": s.w.ckpt.conn} {
		var size int
		if err := conn.QueryRowContext(t.Context(), `PRAGMA cache_size`).Scan(&size); err != nil {
			t.Fatal(err)
		}
		if size != -kib {
			t.Errorf("%s: cache_size %d, want %d (KiB)", what, size, -kib)
		}
	}
	if n := (Options{}).Connections(); n != 2+defaultReadConns {
		t.Errorf("Connections() = %d, want %d", n, 2+defaultReadConns)
	}
	for i := range (Options{}).Connections() - 2 { // the read pool, every connection held at once
		conn, err := s.readDB.Conn(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		var size int
		if err := conn.QueryRowContext(t.Context(), `PRAGMA cache_size`).Scan(&size); err != nil {
			t.Fatal(err)
		}
		if size != -kib {
			t.Errorf("reader %d: cache_size %d, want %d (KiB)", i, size, -kib)
		}
	}
}
