// Package postgres is the shared event store: the whole log in one PostgreSQL schema
// (default chance_events), which any number of processes append to and read at once.
//
// # Never skipping an event
//
// Readers of the global order (ReadAll, Subscribe) read "position > after ORDER BY
// position". A store that takes positions from a sequence lets them commit out of order:
// a reader that sees position 11 while 10 is still uncommitted moves past 10 and never
// reads it. Here positions are taken at the end of the appending transaction, under a
// lock held until COMMIT: every appending transaction, as its last step, runs
//
//	UPDATE log_head SET position = position + n RETURNING position - n
//
// on the log's one head row, then inserts its n events at the positions after the value
// returned, then commits. The row lock serialises appenders from that UPDATE to their
// COMMIT: the next one can only take positions once the previous one committed (and
// sees its head) or rolled back (and its positions are taken again). So positions are
// gap-free, and they become visible in order: no snapshot holds p+1 without p. Only the
// UPDATE, one INSERT and the COMMIT run under the lock; everything else (revision checks,
// idempotency look-ups, encoding) happens before it.
//
// # Group commit
//
// One writer goroutine per process takes every append queued and commits them together:
// one transaction, one WAL flush (synchronous_commit=on) for all, each append checked
// against its own expected revision, a refused append answered on its own without
// failing the others. Appends that arrive meanwhile form the next batch, so batches grow
// with the number of concurrent callers.
//
// The writer decides on a cache of stream revisions. That cache is only right if no
// other process appended since it last looked, which the head row tells: if the head
// returned by the UPDATE is the one this process last saw, nobody did, and the
// decisions stand. Otherwise the writer, still holding the lock, forgets the streams the
// other processes' events belong to, reads them again and decides the batch again. So two
// processes appending to one stream at the same expected revision give exactly one
// success and one *eventlog.WrongExpectedRevisionError, and a retry of an append that
// another process committed is recognised (idempotency reads the stream's events from
// the database, see idempotency.go). The unique index on (stream_id, revision) is the
// backstop.
//
// # Subscriptions
//
// Every appending transaction calls pg_notify on the channel "<schema>_appended", which
// PostgreSQL delivers at COMMIT. A caught-up subscription waits for this process's own
// commits or for a notification on a dedicated LISTEN connection (see listener), and
// reads again at the latest after the poll interval (default 1 s).
package postgres
