package projections

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/chance-video/chance/domain/codec"
	"github.com/chance-video/chance/eventlog"
)

// build is one target of a rebuild together: its shadow, how far it has gone, and the
// first error that stopped it.
type build struct {
	target   Target
	shadow   Shadow
	started  time.Time
	report   func(RebuildReport)
	progress RebuildReport
	err      error
	promoted bool
}

func (b *build) name() string { return b.target.Projector.Name() }

func (b *build) fail(err error) {
	if b.err == nil {
		b.err = err
	}
}

// maxTxEvents is how many events one transaction of a rebuild applies: the batches the
// log delivers (500 events) are merged up to it (a pass ends at the head it began with,
// so waiting for more never waits for the future). A commit writes every page the
// transaction touched, and rows keyed by random ids touch a page each: merged, a page is
// written once per 8,192 events rather than once per 500.
const maxTxEvents = 8192

// feed is one build's share of a pass: the batches for its writer.
type feed struct {
	build   *build
	from    eventlog.Position // its checkpoint when the pass began
	in      chan decoded
	closed  bool          // in is closed: the build reached the head or stopped
	stopped chan struct{} // closed by the writer when it failed
}

// pass applies the log to every build still going, each from its checkpoint up to
// the log's head as it is when the pass begins. The log is read and each event
// decoded once, by one reader; every build's writer applies the events its projector
// handles in its own transactions, beside the others. A build that fails is left
// behind with its error; the others go on.
func pass(ctx context.Context, log Log, c *codec.Codec, builds []*build) {
	head, err := log.Head(ctx)
	if err != nil {
		for _, b := range builds {
			b.fail(err)
		}
		return
	}
	var feeds []*feed
	after := head
	for _, b := range builds {
		if b.err != nil {
			continue
		}
		from, err := b.shadow.Checkpoint(ctx, b.name())
		if err != nil {
			b.fail(err)
			continue
		}
		b.progress.Head = head
		if !from.Less(head) {
			continue
		}
		feeds = append(feeds, &feed{build: b, from: from, in: make(chan decoded, 4), stopped: make(chan struct{})})
		if from.Less(after) {
			after = from
		}
	}
	if len(feeds) == 0 {
		return
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	for _, f := range feeds {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f.write(ctx)
		}()
	}
	handled := func(eventType string) bool {
		for _, f := range feeds {
			if f.build.target.Projector.Handles(eventType) {
				return true
			}
		}
		return false
	}
	err = log.Subscribe(ctx, after, func(ctx context.Context, batch []eventlog.Record) error {
		events, err := decodeIf(c, handled, batch)
		if err != nil {
			return err
		}
		last, open := batch[len(batch)-1].Position, 0
		for _, f := range feeds {
			if f.closed {
				continue
			}
			select {
			case <-f.stopped:
				f.close()
				continue
			default:
			}
			select {
			case f.in <- decoded{last: last, size: len(batch), events: f.share(events)}:
			case <-f.stopped:
				f.close()
				continue
			case <-ctx.Done():
				return ctx.Err()
			}
			if !last.Less(head) {
				f.close() // caught up: its writer commits what it has and ends
				continue
			}
			open++
		}
		if open == 0 {
			return errCaughtUp
		}
		return nil
	})
	var short []*feed
	for _, f := range feeds {
		if !f.closed {
			f.close()
			short = append(short, f)
		}
	}
	wg.Wait()
	for _, f := range short { // the reader stopped before these reached the head
		f.build.fail(fmt.Errorf("read the log: %w", errors.Join(err, errors.New("stopped before the head"))))
	}
}

func (f *feed) close() {
	f.closed = true
	close(f.in)
}

// share is the part of a decoded batch f's projector handles, from f's checkpoint on.
// The decoded events are shared by every build: projectors only read them.
func (f *feed) share(events []Event) []Event {
	p := f.build.target.Projector
	var mine []Event
	for _, e := range events {
		if f.from.Less(e.Position) && p.Handles(e.Type) {
			if mine == nil {
				mine = make([]Event, 0, len(events))
			}
			mine = append(mine, e)
		}
	}
	return mine
}

// write applies the batches of f to its shadow until in closes, merging those waiting
// into one transaction (up to maxTxEvents), then records the last position read as
// the checkpoint (batches with nothing for this projector wrote none).
func (f *feed) write(ctx context.Context) {
	b := f.build
	p, reached := b.target.Projector, f.from
	for next := range f.in {
		tx := next
		// Also bounded by the log events read, so that a projection few events concern
		// still reports progress.
		for len(tx.events) < maxTxEvents && tx.size < 8*maxTxEvents {
			more, ok := <-f.in
			if !ok {
				break
			}
			tx.events = append(tx.events, more.events...)
			tx.last, tx.size = more.last, tx.size+more.size
		}
		if err := writeAhead(ctx, b.shadow, p, tx); err != nil {
			f.stop(err)
			return
		}
		reached = tx.last
		b.progress.Events += uint64(tx.size)
		b.progress.Reached = reached
		b.progress.Elapsed = time.Since(b.started)
		b.report(b.progress)
	}
	if reached == f.from {
		return
	}
	if err := b.shadow.Update(ctx, p.Name(), reached, func(Writes) error { return nil }); err != nil {
		b.fail(err)
	}
}

// stop records the writer's error and lets the reader go on without it.
func (f *feed) stop(err error) {
	f.build.fail(err)
	close(f.stopped)
	for range f.in { // the reader closes in once it sees stopped
	}
}

// writeAhead is write for a batch that another process may have applied part of (a
// Shared store): the rest is applied from the checkpoint it reached.
func writeAhead(ctx context.Context, store Store, p Projector, b decoded) error {
	for range 3 {
		err := write(ctx, store, p, b)
		if !errors.Is(err, errResume) {
			return err
		}
		at, err := store.Checkpoint(ctx, p.Name())
		if err != nil {
			return err
		}
		rest := b.events[:0:0]
		for _, e := range b.events {
			if at.Less(e.Position) {
				rest = append(rest, e)
			}
		}
		b.events = rest
	}
	return fmt.Errorf("%s: another process kept applying the same events", p.Name())
}

// decodeIf decodes the events of a batch whose type wanted reports, each once.
func decodeIf(c *codec.Codec, wanted func(string) bool, batch []eventlog.Record) ([]Event, error) {
	events := make([]Event, 0, len(batch))
	for _, rec := range batch {
		if !wanted(rec.Type) {
			continue
		}
		e, err := c.Decode(rec.Type, rec.Data)
		if err != nil {
			return nil, fmt.Errorf("%s@%d: %w", rec.StreamID, rec.Revision, err)
		}
		events = append(events, Event{Record: rec, Event: e})
	}
	return events, nil
}
