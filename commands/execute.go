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
	unlock := s.locks.lock(stream)
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
		records, state := l.records, l.state
		decided, err := d.Decide(cmd, state)
		if err != nil || len(decided) == 0 {
			return Outcome[S]{State: state}, err
		}
		data, err := s.encodeAll(stream, len(records), decided, req)
		if err != nil {
			return Outcome[S]{}, err
		}
		res, err := s.store.Append(ctx, stream, eventlog.ExpectAfter(records), data)
		if errors.Is(err, eventlog.ErrWrongExpectedRevision) {
			continue // someone else appended: decide again on the new state
		}
		if err != nil {
			return Outcome[S]{}, fmt.Errorf("append to %s: %w", stream, err)
		}
		for _, e := range decided {
			state = d.Evolve(state, e)
		}
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

// loaded is a stream read for a request: its records, their events folded into a
// state, and the records the request's key already produced.
type loaded[S any] struct {
	records []eventlog.Record
	events  []domain.Event
	state   S
	prior   []eventlog.Record
}

func loadStream[S, C any](ctx context.Context, s *Service, d domain.Decider[S, C], stream string, req Request) (loaded[S], error) {
	all, err := s.readStream(ctx, stream)
	if err != nil {
		return loaded[S]{}, err
	}
	prior, err := priorOutcome(all.records, req)
	if err != nil {
		return loaded[S]{}, fmt.Errorf("%s: %w", stream, err)
	}
	return loaded[S]{records: all.records, events: all.events, state: d.Fold(all.events), prior: prior}, nil
}

// readStream returns a stream's records and decoded events, reading only what the
// cache does not hold yet.
func (s *Service) readStream(ctx context.Context, stream string) (cachedStream, error) {
	for {
		cached := s.cache.get(stream)
		from := uint64(len(cached.records))
		fresh, err := s.store.ReadStream(ctx, stream, from)
		if err != nil {
			return cachedStream{}, fmt.Errorf("read %s: %w", stream, err)
		}
		if len(fresh) > 0 && fresh[0].Revision != from {
			s.cache.forget(stream) // the store disagrees with the cache: start over
			if from == 0 {
				return cachedStream{}, fmt.Errorf("read %s: first revision is %d, not 0", stream, fresh[0].Revision)
			}
			continue
		}
		events, err := s.decodeAll(fresh)
		if err != nil {
			return cachedStream{}, err
		}
		return s.cache.extend(stream, cached, fresh, events), nil
	}
}

// replayed is the outcome of a request the stream already holds.
func (l loaded[S]) replayed() Outcome[S] {
	events := make([]domain.Event, 0, len(l.prior))
	for _, r := range l.prior {
		events = append(events, l.events[r.Revision])
	}
	return Outcome[S]{State: l.state, Events: events, Records: l.prior, Position: l.prior[len(l.prior)-1].Position, Replayed: true}
}

// priorOutcome finds the events a stream holds for the request's key.
func priorOutcome(records []eventlog.Record, req Request) ([]eventlog.Record, error) {
	if req.Key == "" {
		return nil, nil
	}
	var prior []eventlog.Record
	for _, r := range records {
		if r.Metadata.IdempotencyKey != req.Key {
			continue
		}
		if r.Metadata.Fingerprint != req.Fingerprint {
			return nil, ErrKeyReused
		}
		prior = append(prior, r)
	}
	return prior, nil
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
type streamLocks [256]sync.Mutex

func (l *streamLocks) lock(stream string) (unlock func()) {
	h := fnv.New32a()
	h.Write([]byte(stream))
	m := &l[h.Sum32()%uint32(len(l))]
	m.Lock()
	return m.Unlock
}
