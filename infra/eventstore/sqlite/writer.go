package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime"
	"sync/atomic"
)

// writer is the only goroutine that writes the file. It takes every append queued
// (up to maxBatchEvents), checks and inserts them in ONE transaction, commits once
// (one fsync under synchronous=FULL) and only then answers each of them.
//
// Because positions are assigned here, in order, and only this goroutine commits,
// a position is never visible before every smaller position is committed: readers of
// the global order (ReadAll, Subscribe) can never skip an event that commits later.
type writer struct {
	conn     *sql.Conn
	stmts    writeStatements
	requests chan *appendRequest
	quit     <-chan struct{}
	done     chan struct{} // closed when run returns
	publish  func(head uint64)
	ckpt     *checkpointer // asked to checkpoint every checkpointEvery written events

	maxBatchEvents int
	cache          *revisionCache

	// Owned by the writer goroutine.
	head    uint64                 // last committed position
	next    uint64                 // next position to assign in the open transaction
	pending map[string]streamState // stream states changed by the open transaction
	batch   []*appendRequest
	replies []appendReply
	args    []any

	sinceCheckpoint int // events written since the last checkpoint request

	// beforeCommit, when set (tests only), runs just before COMMIT; an error fails the batch.
	beforeCommit func() error

	commits atomic.Uint64 // transactions committed, for tests and benchmarks
}

func newWriter(ctx context.Context, conn *sql.Conn, head uint64, o Options, quit <-chan struct{}, publish func(uint64), ckpt *checkpointer) (*writer, error) {
	w := &writer{
		conn:           conn,
		requests:       make(chan *appendRequest, 1024),
		quit:           quit,
		done:           make(chan struct{}),
		publish:        publish,
		ckpt:           ckpt,
		maxBatchEvents: o.MaxBatchEvents,
		cache:          newRevisionCache(o.CachedStreams),
		head:           head,
		pending:        make(map[string]streamState),
	}
	if err := w.stmts.prepare(ctx, conn); err != nil {
		return nil, err
	}
	return w, nil
}

func (w *writer) run() {
	defer close(w.done)
	for {
		select {
		case <-w.quit:
			w.failQueued()
			return
		case req := <-w.requests:
			batch := w.collect(req)
			w.process(batch)
			clear(batch) // let the answered requests be collected
			if len(batch) > 1 {
				// Appends are arriving concurrently. Let the callers just answered
				// run before collecting the next batch: those that append again at
				// once join it, instead of waiting a whole commit for the batch after.
				// With nothing else runnable Gosched returns at once.
				runtime.Gosched()
			}
		}
	}
}

// collect takes the first request and whatever else is already queued, up to the cap.
// It never waits for more: under load the queue fills while the previous batch fsyncs,
// and a lone append commits at once.
func (w *writer) collect(first *appendRequest) []*appendRequest {
	w.batch = append(w.batch[:0], first)
	events := len(first.rows)
	for events < w.maxBatchEvents {
		select {
		case req := <-w.requests:
			w.batch = append(w.batch, req)
			events += len(req.rows)
		default:
			return w.batch
		}
	}
	return w.batch
}

// failQueued answers the appends that arrived after Close began.
func (w *writer) failQueued() {
	for {
		select {
		case req := <-w.requests:
			req.reply <- appendReply{err: fmt.Errorf("append to %s: %w", req.stream, ErrClosed)}
		default:
			return
		}
	}
}

// process runs one group commit and answers every request in it.
func (w *writer) process(batch []*appendRequest) {
	w.replies = append(w.replies[:0], make([]appendReply, len(batch))...)
	if err := w.transact(batch, w.replies); err != nil {
		for i, req := range batch {
			w.replies[i] = appendReply{err: fmt.Errorf("append to %s: %w", req.stream, err)}
		}
	}
	for i, req := range batch {
		req.reply <- w.replies[i]
		w.replies[i] = appendReply{}
	}
}

// transact applies the batch in one transaction. An error means nothing was committed
// and every request fails; a rejected request (conflict) is a reply, not an error, and
// does not affect the others.
func (w *writer) transact(batch []*appendRequest, replies []appendReply) error {
	ctx := context.Background() // the batch belongs to no single caller
	clear(w.pending)
	w.next = w.head + 1
	if _, err := w.stmts.begin.ExecContext(ctx); err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	for i, req := range batch {
		if err := req.ctx.Err(); err != nil {
			replies[i] = appendReply{err: fmt.Errorf("append to %s: %w", req.stream, err)}
			continue
		}
		reply, err := w.apply(ctx, req)
		if err != nil {
			return w.abort(ctx, err)
		}
		replies[i] = reply
	}
	written := int(w.next - (w.head + 1)) // events inserted by this batch
	if written == 0 {
		// Only conflicts and idempotent retries: nothing to make durable, skip the fsync.
		if _, err := w.stmts.rollback.ExecContext(ctx); err != nil {
			return fmt.Errorf("rollback: %w", err)
		}
		return nil
	}
	if w.beforeCommit != nil {
		if err := w.beforeCommit(); err != nil {
			return w.abort(ctx, err)
		}
	}
	if _, err := w.stmts.commit.ExecContext(ctx); err != nil {
		return w.abort(ctx, fmt.Errorf("commit: %w", err))
	}
	w.cache.merge(w.pending)
	w.head = w.next - 1
	w.commits.Add(1)
	w.publish(w.head)
	if w.sinceCheckpoint += written; w.sinceCheckpoint >= checkpointEvery {
		w.sinceCheckpoint = 0
		w.ckpt.request()
	}
	return nil
}

// abort rolls the open transaction back; the pending stream states die with it.
func (w *writer) abort(ctx context.Context, cause error) error {
	clear(w.pending)
	if _, err := w.stmts.rollback.ExecContext(ctx); err != nil {
		// Some errors (an I/O error during COMMIT) already rolled back.
		return errors.Join(cause, fmt.Errorf("rollback: %w", err))
	}
	return cause
}

// state is the stream's state as the open transaction sees it.
func (w *writer) state(ctx context.Context, stream string) (streamState, error) {
	if st, ok := w.pending[stream]; ok {
		return st, nil
	}
	if st, ok := w.cache.get(stream); ok {
		return st, nil
	}
	var last sql.NullInt64
	if err := w.stmts.lastRevision.QueryRowContext(ctx, stream).Scan(&last); err != nil {
		return streamState{}, fmt.Errorf("read revision of %s: %w", stream, err)
	}
	// Not in pending, so the open transaction has not written this stream: this is
	// the committed state and can go straight into the cache.
	st := streamState{exists: last.Valid, last: uint64(last.Int64)}
	w.cache.put(stream, st)
	return st, nil
}

func (w *writer) close() error {
	return errors.Join(w.stmts.close(), w.conn.Close(), w.ckpt.conn.Close())
}
