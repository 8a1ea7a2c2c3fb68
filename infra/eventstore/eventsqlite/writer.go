package eventsqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime"
	"sync/atomic"
	"time"

	"github.com/chance-video/chance/infra/eventstore/internal/appendlog"
)

// writer is the only goroutine that writes the file. It takes every append queued, and
// those that arrive while it works on them (up to maxBatchEvents), checks and inserts
// them in ONE transaction, commits once (one fsync under synchronous=FULL) and only then
// answers each of them.
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
	cache          *appendlog.RevisionCache
	heads          *streamHeads  // what readers may know of the committed streams (CommittedNext)
	known          *knownStreams // the streams the file holds, so a new one is not looked for

	// Owned by the writer goroutine, for the open transaction.
	head    uint64                           // last committed position
	next    uint64                           // next position to assign
	pending map[string]appendlog.StreamState // stream states changed by the open transaction
	rows    []pendingRow                     // accepted, not inserted yet (see flush)
	batch   []*appendRequest
	replies []appendReply
	args    []any

	lastBatch int         // requests in the last batch: how many callers are appending
	delay     *time.Timer // reused by await

	sinceCheckpoint int // events written since the last checkpoint request

	// beforeCommit, when set (tests only), runs just before COMMIT; an error fails the batch.
	beforeCommit func() error

	commits atomic.Uint64 // transactions committed, for tests and benchmarks

	// foreignWrites counts events found appended by another process (see checkHead);
	// onForeign, if set, is told of each such jump.
	foreignWrites atomic.Uint64
	onForeign     func(from, to uint64)
	onCommit      func(appends, events int)
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
		cache:          appendlog.NewRevisionCache(o.CachedStreams),
		heads:          newStreamHeads(),
		known:          newKnownStreams(),
		onForeign:      o.OnForeignWrites,
		onCommit:       o.OnCommit,
		head:           head,
		pending:        make(map[string]appendlog.StreamState),
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
			w.lastBatch = w.process(append(w.batch[:0], req), true)
			clear(w.batch) // let the answered requests be collected
			if w.lastBatch > 1 {
				// Appends are arriving concurrently. Let the callers just answered
				// run before the next batch: those that append again at once join
				// it. With nothing else runnable Gosched returns at once.
				// WARNING: one yield, not a loop. Yielding until the answered callers
				// are back was measured up to 3× slower; the batch waits for late
				// ones with a timer instead (see more).
				runtime.Gosched()
			}
		}
	}
}

// poll takes a request that is already queued, without waiting.
func (w *writer) poll() *appendRequest {
	select {
	case req := <-w.requests:
		return req
	default:
		return nil
	}
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

// process runs one group commit and answers every request in it. With drain, requests
// queued meanwhile join the batch until it commits; w.batch holds the final batch.
// It returns the number of requests answered.
func (w *writer) process(batch []*appendRequest, drain bool) int {
	w.replies = w.replies[:0]
	batch, err := w.transact(batch, drain)
	w.batch = batch
	if err != nil {
		w.replies = w.replies[:0]
		for _, req := range batch {
			w.replies = append(w.replies, appendReply{err: fmt.Errorf("append to %s: %w", req.stream, err)})
		}
	}
	for i, req := range batch {
		req.reply <- w.replies[i]
		w.replies[i] = appendReply{}
	}
	return len(batch)
}

func (w *writer) close() error {
	return errors.Join(w.stmts.close(), w.conn.Close(), w.ckpt.conn.Close())
}
