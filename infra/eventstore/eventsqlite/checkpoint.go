package eventsqlite

import (
	"context"
	"database/sql"
)

// checkpointEvery is how many written events make the writer ask for a checkpoint.
// At ~2.5 WAL pages per event that keeps the WAL near SQLite's default 1000 pages.
const checkpointEvery = 400

// walAutocheckpoint is the writer's own checkpoint threshold, in WAL pages (32 MiB).
//
// Under a steady stream of commits a concurrent PASSIVE checkpoint never quite reaches
// the end of the WAL, and SQLite only rewinds the WAL to its start once it has all been
// copied. So the WAL grows to this size, where a checkpoint inside a commit copies the
// little the checkpointer left and lets the WAL start over. Most of the copying still
// happens off the writer (measured: ~9% more appends/s at 32 concurrent writers).
const walAutocheckpoint = 8000

// checkpointer copies committed WAL pages into the database file on its own connection,
// so that the writer's commits do not pay for it. PASSIVE never blocks the writer or
// the readers; the writer restarts the WAL from its beginning once it is fully copied.
type checkpointer struct {
	conn *sql.Conn
	kick chan struct{}
	quit <-chan struct{}
	done chan struct{}
}

func newCheckpointer(conn *sql.Conn, quit <-chan struct{}) *checkpointer {
	return &checkpointer{conn: conn, kick: make(chan struct{}, 1), quit: quit, done: make(chan struct{})}
}

// request asks for a checkpoint without waiting; requests made while one runs coalesce.
func (c *checkpointer) request() {
	select {
	case c.kick <- struct{}{}:
	default:
	}
}

func (c *checkpointer) run() {
	defer close(c.done)
	for {
		select {
		case <-c.quit:
			return
		case <-c.kick:
			// An error (a busy lock) only means this round copied less; the next
			// request, or the writer's backstop, catches up.
			c.conn.ExecContext(context.Background(), `PRAGMA wal_checkpoint(PASSIVE)`) //nolint:errcheck
		}
	}
}
