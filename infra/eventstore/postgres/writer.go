package postgres

import (
	"fmt"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/chance-video/chance/infra/eventstore/internal/appendlog"
)

// writer is this process's only appending goroutine. It takes every append queued (up to
// maxBatchEvents), decides each against its own expected revision, and writes all that
// were accepted in ONE transaction with one COMMIT (one WAL flush), then answers each.
// Appends that arrive meanwhile wait for the next batch, which is how the batch grows with
// the number of concurrent callers.
type writer struct {
	pool     *pgxpool.Pool // one connection, the writer's own (MaxConns 1)
	sql      statements
	channel  string // pg_notify channel of this log
	requests chan *appendRequest
	quit     <-chan struct{}
	done     chan struct{} // closed when run returns
	publish  func(head uint64)

	maxBatchEvents int
	timeout        time.Duration
	cache          *appendlog.RevisionCache

	// Owned by the writer goroutine.
	head    uint64                           // the log's head when this process last looked; the cache knows everything up to it
	next    uint64                           // next pending number (see pendingBase) to give an event of the open batch
	pending map[string]appendlog.StreamState // stream states changed by the open batch
	bases   map[string]appendlog.StreamState // the states the open batch was decided on
	rows    []pendingRow                     // accepted events of the open batch, in position order
	batch   []*appendRequest
	replies []appendReply

	inflight atomic.Int64 // Append calls between their start and their return (see collect)
	delay    *time.Timer  // reused by collect

	commits       atomic.Uint64 // transactions committed, for tests and benchmarks
	foreignWrites atomic.Uint64 // events found appended by other processes (see transact)
	conflicts     atomic.Uint64 // unique violations: batches failed by a stale decision
	staleBatches  atomic.Uint64 // batches append_events refused because a stream had moved
	settles       atomic.Uint64 // batches settled under the head lock (see settle)

	onCommit func(appends, events int) // see WithOnCommit
}

// pendingRow is an accepted event waiting for the batch's INSERT. Its position is a
// pending number until the head it follows is known (see pendingBase).
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
		cache:          appendlog.NewRevisionCache(c.cachedStreams),
		head:           head,
		pending:        make(map[string]appendlog.StreamState),
		bases:          make(map[string]appendlog.StreamState),
		onCommit:       c.onCommit,
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
// maxBatchEvents events.
//
// Then, if more Append calls are in flight than the batch holds, it waits for them a
// little (commitDelay at most): they are mostly the callers the last commit answered,
// which have not yet run to return and append again. Without the wait the callers split
// into two halves that alternate, each batch half as large as it could be (measured at
// 32 writers: 16 appends a commit instead of 32; with the wait ≈ 26–31). A lone caller
// never waits.
func (w *writer) collect(first *appendRequest) []*appendRequest {
	batch := append(w.batch[:0], first)
	events := len(first.rows)
	var deadline time.Time
	for events < w.maxBatchEvents {
		select {
		case req := <-w.requests:
			batch = append(batch, req)
			events += len(req.rows)
			continue
		default:
		}
		if w.inflight.Load() <= int64(len(batch)) {
			return batch
		}
		if deadline.IsZero() {
			deadline = time.Now().Add(commitDelay)
		}
		req := w.await(time.Until(deadline))
		if req == nil {
			return batch
		}
		batch = append(batch, req)
		events += len(req.rows)
	}
	return batch
}

// commitDelay bounds how long a batch waits for callers in flight (see collect): a
// fraction of a commit's round trip and WAL flush, so it costs little latency even when
// nobody comes.
const commitDelay = 200 * time.Microsecond

// await returns the next request to arrive within d, or nil.
func (w *writer) await(d time.Duration) *appendRequest {
	if d <= 0 {
		return nil
	}
	if w.delay == nil {
		w.delay = time.NewTimer(d)
	} else {
		w.delay.Reset(d) // since Go 1.23 no stale tick can be left in the channel
	}
	select {
	case req := <-w.requests:
		w.delay.Stop()
		return req
	case <-w.delay.C:
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
