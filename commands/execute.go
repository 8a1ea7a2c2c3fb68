package commands

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"strconv"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain"
	"github.com/chance-video/chance/eventlog"
)

// maxAttempts bounds the load-decide-append loop on revision conflicts. In-process
// appends to one stream are serialised by streamLocks, so conflicts come only from
// other processes; a process with a queue of requests on one stream can win many
// rounds in a row, so the bound is generous and later attempts pause a little
// (see conflictPause) to let the other side's queue drain.
const maxAttempts = 32

// Outcome is what one command did to one stream.
type Outcome[S any] struct {
	State    S                 // the state after the command
	Events   []domain.Event    // appended now, or the originals when Replayed
	Records  []eventlog.Record // the stored records of Events when Replayed, else their ids and positions
	Position eventlog.Position // of the last event of Events; Start when nothing was appended
	Replayed bool              // the request had already been applied
}

// execute runs one command against one stream: load, fold, decide, append with the
// loaded revision. A request whose key the stream already holds is not decided
// again: its original events are returned (or ErrKeyReused if the content differs).
func execute[S, C any](ctx context.Context, s *Service, d domain.Decider[S, C], stream string, cmd C, req Request) (Outcome[S], error) {
	unlock, unsettled := s.locks.lock(stream)
	defer unlock()
	for attempt := range maxAttempts {
		if err := conflictPause(ctx, attempt); err != nil {
			return Outcome[S]{}, fmt.Errorf("%s: %w", stream, err)
		}
		l, err := loadStream(ctx, s, d, stream, req)
		if err != nil {
			return Outcome[S]{}, err
		}
		if len(l.prior) > 0 {
			return l.replayed(), nil
		}
		// The state may be the cached one: Decide and Evolve only read it (see
		// domain.Decider), so a failed append below leaves the cache as it was.
		state := l.state
		decided, err := d.Decide(cmd, state)
		if err != nil || len(decided) == 0 {
			return Outcome[S]{State: state}, err
		}
		data, err := s.encodeAll(stream, int(l.next), decided, req)
		if err != nil {
			return Outcome[S]{}, err
		}
		res, err := s.store.Append(ctx, stream, l.expected(), data)
		if errors.Is(err, eventlog.ErrWrongExpectedRevision) {
			continue // someone else appended: decide again on the new state
		}
		if err != nil {
			*unsettled = true // it may still land: see below
			return Outcome[S]{}, fmt.Errorf("append to %s: %w", stream, err)
		}
		for _, e := range decided {
			state = d.Evolve(state, e)
		}
		// After an append whose caller stopped waiting (its context ended), this load
		// may have been made before its events landed: a retry of it then decides
		// again at the same revisions with the same ids, and the store answers with
		// the events already stored, which this state (decided later: other times, a
		// new expiry) is not. So it is not cached; the next load reads them. Appends
		// are answered in the order they are queued, so once this one is answered the
		// unsettled one is settled (it was queued before its command let the lock go).
		if !*unsettled {
			s.cacheAppended(stream, l.entry, state, data, res)
		}
		*unsettled = false
		return Outcome[S]{State: state, Events: decided, Position: res.Position}, nil
	}
	return Outcome[S]{}, fmt.Errorf("%s after %d attempts: %w", stream, maxAttempts, ErrContention)
}

// conflictPause waits before the attempt-th try of a command: not at all for the
// first two, then a random pause of up to a millisecond per attempt, capped at 20 ms,
// so that processes contending for one stream stop colliding in lockstep.
func conflictPause(ctx context.Context, attempt int) error {
	if attempt < 2 {
		return nil
	}
	limit := min(time.Duration(attempt)*time.Millisecond, 20*time.Millisecond)
	t := time.NewTimer(rand.N(limit) + time.Millisecond/4)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// loaded is a stream read for a request: its state, how many events it folds, and the
// records (with their events) the request's key already produced.
type loaded[S any] struct {
	entry       cachedStream // as cached (or restored) for this load
	next        uint64
	state       S
	prior       []eventlog.Record
	priorEvents []domain.Event
}

// expected is the expectation of an append decided on this load.
func (l loaded[S]) expected() eventlog.Expected {
	if l.next == 0 {
		return eventlog.NoStream
	}
	return eventlog.Exact(l.next - 1)
}

func loadStream[S, C any](ctx context.Context, s *Service, d domain.Decider[S, C], stream string, req Request) (loaded[S], error) {
	entry, state, err := current(ctx, s, d, stream)
	if err != nil {
		return loaded[S]{}, err
	}
	prior, events, err := s.priorOutcome(ctx, stream, entry.keys, req)
	if err != nil {
		return loaded[S]{}, err
	}
	return loaded[S]{entry: entry, next: entry.next, state: state, prior: prior, priorEvents: events}, nil
}

// current is a stream's state now: the cached one (or its snapshot's, or the initial
// state) with whatever the store holds beyond it folded on top, which is all it reads.
func current[S, C any](ctx context.Context, s *Service, d domain.Decider[S, C], stream string) (cachedStream, S, error) {
	for {
		entry, found := s.cache.get(stream)
		state, typed := entry.state.(S)
		var fresh []eventlog.Record
		var err error
		cold := !found || !typed
		if !cold {
			if next, known := s.committedNext(stream); known && next == entry.next {
				return entry, state, nil // the store knows nothing was appended since
			}
			fresh, err = s.store.ReadStream(ctx, stream, entry.next)
		} else if next, known := s.committedNext(stream); known && next == 0 {
			return cachedStream{}, d.Initial(), nil // a new stream: the store holds none of it
		} else {
			entry, state, fresh, err = fromStores(ctx, s, d, stream)
		}
		if err != nil {
			return cachedStream{}, state, fmt.Errorf("read %s: %w", stream, err)
		}
		if len(fresh) == 0 {
			if cold && entry.next > 0 {
				s.cache.put(stream, entry) // restored from its snapshot: read it once, not per load
			}
			return entry, state, nil
		}
		if fresh[0].Revision != entry.next {
			s.cache.forget(stream) // the store disagrees with the cache: start over
			if entry.next == 0 {
				return cachedStream{}, state, fmt.Errorf("read %s: first revision is %d, not 0", stream, fresh[0].Revision)
			}
			continue
		}
		events, err := s.decodeAll(fresh)
		if err != nil {
			return cachedStream{}, state, err
		}
		for _, e := range events {
			state = d.Evolve(state, e)
		}
		last := fresh[len(fresh)-1]
		entry = cachedStream{next: last.Revision + 1, last: digestOf(last), state: state,
			keys: indexKeys(entry.keys, fresh), snapshotAt: entry.snapshotAt}
		if s.snapshots.due(entry, cold) {
			folded := state
			if s.snapshots.save(stream, d.Version, entry, func(b []byte) ([]byte, error) { return domain.AppendState(b, folded) }) {
				entry.snapshotAt = entry.next
			}
		}
		s.cache.put(stream, entry)
		return entry, state, nil
	}
}

// cacheAppended caches the state a command's append left, when the store tells stream
// heads (headKnower): the next command on the stream then reads nothing from the file
// (the store confirms nothing was appended since), where it used to read back the
// events just appended. Not when a snapshot is due: that load reads the events back, so
// that the snapshot's last-record digest is the stored record's (tracing adds to the
// metadata on the way in), and the digest kept here is never written anywhere.
func (s *Service) cacheAppended(stream string, before cachedStream, state any, data []eventlog.EventData, res eventlog.AppendResult) {
	if _, ok := s.store.(headKnower); !ok || len(data) == 0 || res.LastRevision != before.next+uint64(len(data))-1 {
		return // another store, or the store found these events stored at other revisions (a retry at these very revisions: see execute)
	}
	records := make([]eventlog.Record, len(data))
	for i, e := range data {
		records[i] = eventlog.Record{EventData: e, StreamID: stream, Revision: before.next + uint64(i)}
	}
	entry := cachedStream{next: res.LastRevision + 1, state: state, keys: indexKeys(before.keys, records), snapshotAt: before.snapshotAt}
	if s.snapshots.due(entry, false) {
		return
	}
	s.cache.put(stream, entry)
}

// headKnower is a store that knows, without reading, how many events a stream holds,
// for the streams its own process appended to (the SQLite store: one process per file).
type headKnower interface {
	CommittedNext(stream string) (next uint64, known bool)
}

// committedNext is how many events stream holds, when the store knows it without a read.
func (s *Service) committedNext(stream string) (uint64, bool) {
	if h, ok := s.store.(headKnower); ok {
		return h.CommittedNext(stream)
	}
	return 0, false
}

// fromStores starts a stream the cache does not hold: from its snapshot, if the log
// still holds the record the snapshot ends with (by digest, not id), else from the
// initial state; fresh is what the log holds beyond it.
func fromStores[S, C any](ctx context.Context, s *Service, d domain.Decider[S, C], stream string) (cachedStream, S, []eventlog.Record, error) {
	if short, ok, err := shortStream(ctx, s, d, stream); ok || err != nil {
		return cachedStream{}, d.Initial(), short, err
	}
	if entry, state, ok := restore(ctx, s, d, stream); ok {
		fresh, err := s.store.ReadStream(ctx, stream, entry.next-1)
		if err != nil {
			return entry, state, nil, err
		}
		if len(fresh) > 0 && fresh[0].Revision == entry.next-1 && digestOf(fresh[0]) == entry.last {
			return entry, state, fresh[1:], nil
		}
		s.snapshots.discard(ctx, stream, entry.next-1, errors.New("the log does not hold its last record"))
	}
	fresh, err := s.store.ReadStream(ctx, stream, 0)
	return cachedStream{}, d.Initial(), fresh, err
}

// shortStream reads a stream whole, and ok, when it is shorter than a snapshot is ever
// taken of (coldSnapshotAfter events): most cold loads are of new or short streams (a
// rental being created, a cart), for which looking for a snapshot first was a wasted
// query on every rent. A longer stream costs one query more than before, once: its
// cold load leaves a snapshot and the cache keeps it.
func shortStream[S, C any](ctx context.Context, s *Service, d domain.Decider[S, C], stream string) ([]eventlog.Record, bool, error) {
	r, ranged := s.store.(rangeReader)
	if s.snapshots == nil || d.Version == 0 || !ranged {
		return nil, false, nil // no snapshot to look for, or no cheap way to stop early
	}
	head, err := r.ReadStreamRange(ctx, stream, 0, coldSnapshotAfter-1)
	if err != nil || len(head) < coldSnapshotAfter {
		return head, true, err
	}
	return nil, false, nil
}

// replayed is the outcome of a request the stream already holds.
func (l loaded[S]) replayed() Outcome[S] {
	return Outcome[S]{State: l.state, Events: l.priorEvents, Records: l.prior, Position: l.prior[len(l.prior)-1].Position, Replayed: true}
}

func (s *Service) decodeAll(records []eventlog.Record) ([]domain.Event, error) {
	events := make([]domain.Event, len(records))
	for i, r := range records {
		e, err := s.codec.Decode(r.Type, r.Data)
		if err != nil {
			return nil, fmt.Errorf("%s@%d: %w", r.StreamID, r.Revision, err)
		}
		events[i] = e
	}
	return events, nil
}

// encodeAll builds the events to append. With an idempotency key their ids derive
// from it, so two racing copies of one request append the same ids and the store
// turns the second into a no-op.
func (s *Service) encodeAll(stream string, revision int, events []domain.Event, req Request) ([]eventlog.EventData, error) {
	meta := eventlog.Metadata{
		CorrelationID: req.CorrelationID, CausationID: req.CausationID,
		IdempotencyKey: req.Key, Fingerprint: req.Fingerprint, OccurredAt: s.clock.Now().UTC(),
	}
	if req.UserID != uuid.Nil {
		meta.UserID = req.UserID.String()
	}
	out := make([]eventlog.EventData, len(events))
	for i, e := range events {
		name, data, err := s.codec.Encode(e)
		if err != nil {
			return nil, err
		}
		id := uuid.New()
		if req.Key != "" {
			id = uuid.NewSHA1(namespace, []byte(stream+"\x00"+req.Key+"\x00"+strconv.Itoa(revision+i)))
		}
		out[i] = eventlog.EventData{ID: id, Type: name, Data: data, Metadata: meta}
	}
	return out, nil
}

// streamLocks serialises commands on one stream inside this process, so concurrent
// requests queue instead of burning attempts on conflicts. Striped: a fixed array of
// mutexes, never a growing map.
type streamLocks [256]struct {
	sync.Mutex
	// unsettled: an append to a stream of this stripe failed without an answer from
	// the store and may still land (see execute). Read and written under the mutex.
	unsettled bool
}

// lock locks stream's stripe; unsettled is the stripe's flag, for the holder only.
func (l *streamLocks) lock(stream string) (unlock func(), unsettled *bool) {
	h := fnv.New32a()
	h.Write([]byte(stream))
	m := &l[h.Sum32()%uint32(len(l))]
	m.Lock()
	return m.Unlock, &m.unsettled
}
