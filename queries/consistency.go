package queries

import (
	"container/list"
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/eventlog"
)

// ErrBehind: the projections did not reach the awaited position within MaxWait.
// The read side is merely slow, so callers usually answer from what it has.
var ErrBehind = errors.New("the read models have not caught up with the last write yet")

// Wrote records that a client's command reached pos in the log, so that the
// client's next query waits for it (read-your-writes).
func (q *Service) Wrote(user uuid.UUID, pos eventlog.Position) {
	if user == uuid.Nil || pos.IsStart() {
		return
	}
	q.writes.put(user, pos)
}

// LastWrite is the position of the client's last remembered write (Start if none).
func (q *Service) LastWrite(user uuid.UUID) eventlog.Position {
	return q.writes.get(user)
}

// Await waits, for at most MaxWait, until the read models a query reads reflect the
// client's last write and at least atLeast (a position the client names itself, for
// instance one it got from another API instance). user may be uuid.Nil for an
// anonymous client. No read models: nothing to wait for. It returns ErrBehind when the
// wait ran out, and ctx's error if ctx ended first.
func (q *Service) Await(ctx context.Context, user uuid.UUID, atLeast eventlog.Position, reads ReadModels) error {
	followed, fed := q.split(reads)
	target := q.writes.get(user)
	if target.Less(atLeast) {
		target = atLeast
	}
	positional := !target.IsStart() && q.progress != nil && len(followed) > 0
	if !positional && (len(fed) == 0 || user == uuid.Nil) {
		return nil
	}
	wait, cancel := context.WithTimeout(ctx, q.opts.MaxWait)
	defer cancel()
	var err error
	if positional {
		err = q.progress.Wait(wait, target, followed...)
	}
	for _, name := range fed {
		if err != nil {
			break
		}
		err = awaitFed(wait, user, name, q.opts.Fed[name])
	}
	switch {
	case err == nil:
		return nil
	case ctx.Err() != nil:
		return ctx.Err()
	case errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("waited %s for %v to reach the last write (position %s): %w: %w", q.opts.MaxWait, reads, target, ErrBehind, err)
	default:
		return err
	}
}

// split separates the read models the projection runner follows (waited for by log
// position) from those fed from the bus (waited for per stream, see Fed).
func (q *Service) split(reads ReadModels) (followed, fed []string) {
	for _, name := range reads {
		if _, ok := q.opts.Fed[name]; ok {
			fed = append(fed, name)
		} else {
			followed = append(followed, name)
		}
	}
	return followed, fed
}

// lastWrites keeps each client's last write position in LRU order, bounded in count
// and age, so memory stays flat however many clients come and go.
type lastWrites struct {
	mu     sync.Mutex
	max    int
	maxAge time.Duration
	now    func() time.Time
	byUser map[uuid.UUID]*list.Element // of *lastWrite
	lru    *list.List                  // front: most recently written
}

type lastWrite struct {
	user uuid.UUID
	pos  eventlog.Position
	at   time.Time
}

func newLastWrites(maxClients int, maxAge time.Duration, now func() time.Time) *lastWrites {
	return &lastWrites{max: maxClients, maxAge: maxAge, now: now, byUser: map[uuid.UUID]*list.Element{}, lru: list.New()}
}

func (w *lastWrites) put(user uuid.UUID, pos eventlog.Position) {
	w.mu.Lock()
	defer w.mu.Unlock()
	now := w.now()
	w.sweep(now)
	if el, ok := w.byUser[user]; ok {
		e := el.Value.(*lastWrite)
		if e.pos.Less(pos) { // concurrent commands may finish out of order
			e.pos = pos
		}
		e.at = now
		w.lru.MoveToFront(el)
		return
	}
	for w.lru.Len() >= w.max {
		w.remove(w.lru.Back())
	}
	w.byUser[user] = w.lru.PushFront(&lastWrite{user: user, pos: pos, at: now})
}

func (w *lastWrites) get(user uuid.UUID) eventlog.Position {
	if user == uuid.Nil {
		return eventlog.Start
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	el, ok := w.byUser[user]
	if !ok {
		return eventlog.Start
	}
	return el.Value.(*lastWrite).pos
}

// sweep drops entries older than maxAge from the old end; it stops at the first
// young one, so it costs only what it drops.
func (w *lastWrites) sweep(now time.Time) {
	for el := w.lru.Back(); el != nil; el = w.lru.Back() {
		if now.Sub(el.Value.(*lastWrite).at) < w.maxAge {
			return
		}
		w.remove(el)
	}
}

func (w *lastWrites) remove(el *list.Element) {
	delete(w.byUser, el.Value.(*lastWrite).user)
	w.lru.Remove(el)
}
