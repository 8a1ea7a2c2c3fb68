package postgres

import (
	"fmt"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// writer is this process's only appending goroutine. It takes every append queued (up to
// maxBatchEvents), decides each against its own expected revision, and writes all that
// were accepted in ONE transaction with one COMMIT (one WAL flush), then answers each.
// Appends that arrive meanwhile wait for the next batch, which is how the batch grows with
// the number of concurrent callers.
type writer struct {
	pool     *pgxpool.Pool // one connection, the writer's own
	sql      statements
	channel  string // pg_notify channel of this log
	requests chan *appendRequest
	quit     <-chan struct{}
	done     chan struct{} // closed when run returns
	publish  func(head uint64)

	maxBatchEvents int
	timeout        time.Duration
	cache          *revisionCache

	// Owned by the writer goroutine.
	head    uint64                 // last position known committed (by anyone)
	next    uint64                 // next position to assign in the open batch
	pending map[string]streamState // stream states changed by the open batch
	rows    []pendingRow           // accepted events of the open batch, in position order
	batch   []*appendRequest
	replies []appendReply

	commits       atomic.Uint64 // transactions committed, for tests and benchmarks
	foreignWrites atomic.Uint64 // events found appended by other processes (see transact)
	conflicts     atomic.Uint64 // unique violations: batches failed by a stale decision
}

// pendingRow is an accepted event waiting for the batch's INSERT.
type pendingRow struct {
	position, revision uint64
	stream             string
	row                *row
}

func newWriter(pool *pgxpool.Pool, schema string, head uint64, c config, quit <-chan struct{}, publish func(uint64)) *writer {
	return &writer{
		pool:           pool,
		sql:            newStatements(schema),
		channel:        notifyChannel(schema),
		requests:       make(chan *appendRequest, 1024),
		quit:           quit,
		done:           make(chan struct{}),
		publish:        publish,
		maxBatchEvents: c.maxBatchEvents,
		timeout:        c.writeTimeout,
		cache:          newRevisionCache(c.cachedStreams),
		head:           head,
		pending:        make(map[string]streamState),
	}
}

func (w *writer) run() {
	defer close(w.done)
	for {
		select {
		case <-w.quit:
			w.failQueued()
			return
		case req := <-w.requests:
			w.process(w.collect(req))
			clear(w.batch) // let the answered requests be collected
		}
	}
}

// collect returns first and every request already queued behind it, up to
// maxBatchEvents events. It does not wait: under load the queue fills while the previous
// batch commits, and a lone writer should not pay a delay.
func (w *writer) collect(first *appendRequest) []*appendRequest {
	batch := append(w.batch[:0], first)
	events := len(first.rows)
	for events < w.maxBatchEvents {
		select {
		case req := <-w.requests:
			batch = append(batch, req)
			events += len(req.rows)
		default:
			return batch
		}
	}
	return batch
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
	w.batch = batch
	w.replies = w.replies[:0]
	if err := w.transact(batch); err != nil {
		w.replies = w.replies[:0]
		for _, req := range batch {
			w.replies = append(w.replies, appendReply{err: fmt.Errorf("append to %s: %w", req.stream, err)})
		}
	}
	for i, req := range batch {
		req.reply <- w.replies[i]
		w.replies[i] = appendReply{}
	}
}
