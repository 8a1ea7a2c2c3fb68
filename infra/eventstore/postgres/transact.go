package postgres

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// ErrLogRewound: the log's head is behind what this process saw committed, so the
// database was restored or the schema recreated under the running store. Appending would
// reuse positions that subscribers have already seen; appends fail until the store is
// reopened.
var ErrLogRewound = errors.New("the event log went back under this process (database restored?); restart the server")

// maxForeignScan bounds the foreign events whose streams are looked up one by one (see
// takeIn); after a longer absence the whole revision cache is dropped instead.
const maxForeignScan = 10_000

// transact applies the batch in one transaction, setting w.replies to one reply per
// request. An error means nothing was committed and every request fails; a refused
// request (a conflict) is a reply, not an error, and does not affect the others.
//
// A unique violation on (stream, revision) means a decision was made on a stale revision
// cache, which the head check below should make impossible; it is the schema's backstop.
// The cache is then dropped and the batch decided once more from the database.
func (w *writer) transact(batch []*appendRequest) error {
	ctx, cancel := context.WithTimeout(context.Background(), w.timeout) // the batch belongs to no single caller
	defer cancel()
	conn, err := w.pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	// A connection left in a transaction by a failure is destroyed, not reused, by Release.
	defer conn.Release()
	err = w.transactOnce(ctx, conn, batch)
	if isUniqueViolation(err) {
		w.conflicts.Add(1)
		w.cache.reset()
		err = w.transactOnce(ctx, conn, batch)
	}
	return err
}

// transactOnce decides the batch on what this process knows (phase 1), makes sure,
// holding the head row, that no other process appended since (phase 2, else it takes
// their events in and decides again), and writes and commits in one round trip (phase 3).
func (w *writer) transactOnce(ctx context.Context, conn *pgxpool.Conn, batch []*appendRequest) error {
	if err := w.decide(ctx, conn, batch); err != nil {
		return err
	}
	locked := false
	for {
		n := w.written()
		var (
			before uint64
			err    error
		)
		if n == 0 {
			// Only conflicts, retries and gone callers: nothing to write, so no lock; the
			// head read only has to show that the decisions were made on the latest log.
			before, err = w.readHead(ctx, conn)
		} else {
			before, err = w.lock(ctx, conn, n)
			locked = true
		}
		if err != nil {
			return w.abort(conn, locked, err)
		}
		if before == w.head {
			break // nothing was appended elsewhere since this process last looked
		}
		if before < w.head {
			return w.abort(conn, locked, fmt.Errorf("last position %d, this process saw %d committed: %w", before, w.head, ErrLogRewound))
		}
		if err := w.takeIn(ctx, conn, before); err != nil {
			return w.abort(conn, locked, err)
		}
		if err := w.decide(ctx, conn, batch); err != nil {
			return w.abort(conn, locked, err)
		}
		if locked {
			// The head row is this transaction's until COMMIT: before is final, and only
			// the number of positions taken may need correcting.
			if m := w.written(); m != n {
				if _, err := conn.Exec(ctx, w.sql.setHead, int64(before+m)); err != nil {
					return w.abort(conn, locked, fmt.Errorf("correct the log head: %w", err))
				}
			}
			break
		}
	}
	if w.written() == 0 {
		if locked {
			return w.abort(conn, locked, nil)
		}
		return nil
	}
	if err := w.commit(ctx, conn); err != nil {
		return w.abort(conn, locked, err)
	}
	w.cache.merge(w.pending)
	w.head = w.next - 1
	w.commits.Add(1)
	w.publish(w.head)
	return nil
}

// written is the number of events the decided batch writes.
func (w *writer) written() uint64 { return w.next - (w.head + 1) }

// decide runs every request of the batch against the stream states the writer knows,
// from the head it knows, filling w.replies and the rows to write.
func (w *writer) decide(ctx context.Context, q querier, batch []*appendRequest) error {
	clear(w.pending)
	clear(w.rows)
	w.rows = w.rows[:0]
	w.replies = w.replies[:0]
	w.next = w.head + 1
	if err := w.loadMissing(ctx, q, batch); err != nil {
		return err
	}
	for _, req := range batch {
		if err := req.ctx.Err(); err != nil {
			w.replies = append(w.replies, appendReply{err: fmt.Errorf("append to %s: %w", req.stream, err)})
			continue
		}
		reply, err := w.apply(ctx, q, req)
		if err != nil {
			return err
		}
		w.replies = append(w.replies, reply)
	}
	return nil
}

// lock begins the transaction and takes n positions after the head, holding the head
// row until COMMIT or ROLLBACK. It returns the head before the batch: one round trip.
func (w *writer) lock(ctx context.Context, conn *pgxpool.Conn, n uint64) (before uint64, err error) {
	b := &pgx.Batch{}
	b.Queue(`BEGIN`)
	b.Queue(w.sql.takePositions, int64(n))
	res := conn.SendBatch(ctx, b)
	var head int64
	if _, err = res.Exec(); err == nil {
		err = res.QueryRow().Scan(&head)
	}
	if closeErr := res.Close(); err == nil {
		err = closeErr
	}
	if err != nil {
		return 0, fmt.Errorf("take positions: %w", err)
	}
	return uint64(head), nil
}

func (w *writer) readHead(ctx context.Context, q querier) (uint64, error) {
	var head int64
	if err := q.QueryRow(ctx, w.sql.head).Scan(&head); err != nil {
		return 0, fmt.Errorf("read the log head: %w", err)
	}
	return uint64(head), nil
}

// takeIn learns that other processes appended the events after w.head up to before: the
// cached states of their streams are forgotten (read again when needed), and local
// subscriptions are told.
func (w *writer) takeIn(ctx context.Context, q querier, before uint64) error {
	foreign := before - w.head
	w.foreignWrites.Add(foreign)
	if foreign > maxForeignScan || foreign > uint64(w.cache.limit/2) {
		w.cache.reset()
	} else {
		rows, err := q.Query(ctx, w.sql.foreignStreams, int64(w.head), int64(before))
		if err != nil {
			return fmt.Errorf("read foreign appends %d..%d: %w", w.head+1, before, err)
		}
		streams, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			return fmt.Errorf("read foreign appends %d..%d: %w", w.head+1, before, err)
		}
		for _, s := range streams {
			w.cache.forget(s)
		}
	}
	w.head = before
	w.publish(before)
	return nil
}

// commit inserts the batch's rows, notifies the listeners and commits: one round trip.
// The notification is delivered at COMMIT, so no subscriber is woken before the events
// are visible.
func (w *writer) commit(ctx context.Context, conn *pgxpool.Conn) error {
	n := len(w.rows)
	var (
		positions = make([]int64, n)
		streams   = make([]string, n)
		revisions = make([]int64, n)
		ids       = make([]uuid.UUID, n)
		types     = make([]string, n)
		data      = make([][]byte, n)
		metadata  = make([][]byte, n)
	)
	for i, p := range w.rows {
		positions[i], streams[i], revisions[i] = int64(p.position), p.stream, int64(p.revision)
		ids[i], types[i], data[i], metadata[i] = p.row.id, p.row.typ, p.row.data, p.row.metadata
	}
	b := &pgx.Batch{}
	b.Queue(w.sql.insert, positions, streams, revisions, ids, types, data, metadata)
	b.Queue(`SELECT pg_notify($1, $2)`, w.channel, strconv.FormatUint(w.next-1, 10))
	b.Queue(`COMMIT`)
	res := conn.SendBatch(ctx, b)
	_, err := res.Exec()
	if err != nil {
		res.Close()
		return fmt.Errorf("insert %d events: %w", n, err)
	}
	if _, err = res.Exec(); err == nil {
		_, err = res.Exec()
	}
	if closeErr := res.Close(); err == nil {
		err = closeErr
	}
	if err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// abort rolls back the open transaction, if any; the batch's decisions die with it. It
// returns cause.
func (w *writer) abort(conn *pgxpool.Conn, inTx bool, cause error) error {
	clear(w.pending)
	clear(w.rows)
	w.rows = w.rows[:0]
	if !inTx {
		return cause
	}
	// The batch's context may be what ended: roll back on a fresh one.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := conn.Exec(ctx, `ROLLBACK`); err != nil {
		// The connection is gone or unusable; Release destroys it.
		conn.Conn().PgConn().Close(ctx) //nolint:errcheck // already failing
		if cause == nil {
			return fmt.Errorf("rollback: %w", err)
		}
	}
	return cause
}

func isUniqueViolation(err error) bool {
	var e *pgconn.PgError
	return errors.As(err, &e) && e.Code == "23505"
}

// querier is what the writer's decisions read through: the connection, in or out of the
// batch's transaction.
type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}
