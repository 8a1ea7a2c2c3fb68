package eventsqlite

import (
	"context"
	"errors"
	"fmt"

	"github.com/chance-video/chance/infra/eventstore/internal/appendlog"
)

// ErrLogRewound: the file holds fewer events than this process has committed, so it was
// replaced or restored under the running store. Appending would reuse positions that
// subscribers have already seen; every append fails until the store is reopened.
var ErrLogRewound = errors.New("the event log went back under this process (file replaced or restored?); restart the server")

// checkHead compares the file's last position with the one the writer committed last,
// inside the write transaction (BEGIN IMMEDIATE holds the file's write lock, so nothing
// can change it until COMMIT).
//
// The writer's head and revision cache are only valid while this process is the file's
// only writer; the data-folder lock ensures that, and this check detects, rather than
// trusts, that it held: events another process appended are taken in (the head moves
// forward, the cache is dropped, subscribers read them) instead of colliding with the
// positions this process would assign.
func (w *writer) checkHead(ctx context.Context) error {
	var found int64
	if err := w.stmts.lastPosition.QueryRowContext(ctx).Scan(&found); err != nil {
		return fmt.Errorf("read the log's last position: %w", err)
	}
	switch last := uint64(found); {
	case last == w.head:
		return nil
	case last < w.head:
		return fmt.Errorf("last position %d, this process committed up to %d: %w", last, w.head, ErrLogRewound)
	default:
		w.foreignWrites.Add(last - w.head)
		if w.onForeign != nil {
			w.onForeign(w.head, last)
		}
		w.cache = appendlog.NewRevisionCache(w.cache.Limit())
		w.heads.reset()
		w.known.invalidate()
		w.head, w.next = last, last+1
		w.publish(last)
		return nil
	}
}
