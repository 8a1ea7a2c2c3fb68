// Package postgres is the shared event store: the whole log in one PostgreSQL schema
// (default chance_events), which any number of processes append to and read at once.
//
// # Never skipping an event
//
// Readers of the global order (ReadAll, Subscribe) read "position > after ORDER BY
// position". A store that takes positions from a sequence lets them commit out of order:
// a reader that sees position 11 while 10 is still uncommitted moves past 10 and never
// reads it. Here positions are taken at the end of the appending transaction, under a
// lock held until COMMIT: every appending transaction runs
//
//	UPDATE log_head SET position = position + n RETURNING position - n
//
// on the log's one head row, then inserts its n events at the positions after the value
// returned, and commits. The row lock serialises appenders from that UPDATE to their
// COMMIT: the next one can only take positions once the previous one committed (and
// sees its head) or rolled back (and its positions are taken again). So positions are
// gap-free, and they become visible in order: no snapshot holds p+1 without p.
// TestNoSkipAcrossProcesses proves it with 100,000 events from four stores (separate
// pools and writers, as separate processes would have) and a subscription on a fifth.
//
// # Group commit
//
// One writer goroutine per process takes every append queued and commits them together:
// one statement, one transaction, one WAL flush (synchronous_commit=on) for all, each
// append checked against its own expected revision, a refused append answered on its own
// without failing the others. Appends that arrive meanwhile form the next batch, so
// batches grow with the number of concurrent callers.
//
// The writer decides on a cache of stream revisions, before taking the lock, and sends
// the batch as one call of the append_events function (see the migrations): one round
// trip. The function takes the positions; if the head it finds is the one this process
// last saw, nobody else appended since, the cache was right and the batch is written.
// Otherwise, still holding the lock, it checks each of the batch's streams against the
// revision it was decided on; if one moved, it writes nothing and names it, and the
// writer reads those streams again and decides again (after two such races, the batch is
// settled with the lock taken first: see writer.settle). Either way the writer forgets
// the cached states of the streams other processes appended to. So two processes
// appending to one stream at the same expected revision give exactly one success and
// one *eventlog.WrongExpectedRevisionError, and a retry of an append that another
// process committed is recognised (idempotency reads the stream's events from the
// database, see idempotency.go). The unique index on (stream_id, revision) is the
// backstop.
//
// # Subscriptions
//
// Every appending transaction calls pg_notify on the channel "<schema>_appended", which
// PostgreSQL delivers at COMMIT. A caught-up subscription waits for this process's own
// commits or for a notification on a dedicated LISTEN connection (see listener), and
// reads again at the latest after the poll interval (default 1 s), e.g. while that
// connection reconnects, or behind a pooler that does not pass LISTEN through.
package postgres
