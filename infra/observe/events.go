package observe

import (
	"context"
	"errors"
	"time"

	"github.com/chance-video/chance/eventlog"
)

// EventStore is the part of the event store the command side writes through
// (commands.EventStore).
type EventStore interface {
	Append(ctx context.Context, stream string, expected eventlog.Expected, events []eventlog.EventData) (eventlog.AppendResult, error)
	ReadStream(ctx context.Context, stream string, from uint64) ([]eventlog.Record, error)
}

// Outcomes of an append, as labelled.
const (
	appendOK       = "ok"
	appendConflict = "conflict" // a revision conflict: the command decides again
	appendFailed   = "failed"
)

// Events measures every append the commands make (its latency, group commit
// included, and its size) and, with tracing on, wraps it in a span and writes the
// trace context into each event's metadata, so the projections and the messages the
// event causes join the request's trace. Both nil: s itself.
func Events(s EventStore, m *Metrics, t *Tracing) EventStore {
	if m == nil && !t.Enabled() {
		return s
	}
	o := observedEvents{EventStore: s, m: m, t: t}
	if r, ok := s.(rangeReader); ok {
		or := observedRangeEvents{observedEvents: o, r: r}
		if h, ok := s.(headKnower); ok {
			return observedHeadEvents{observedRangeEvents: or, h: h}
		}
		return or
	}
	return o
}

// headKnower is the SQLite store's CommittedNext: commands skip the read of a stream
// whose cached state it shows current, so the wrapper must not hide it either.
type headKnower interface {
	CommittedNext(stream string) (next uint64, known bool)
}

type observedHeadEvents struct {
	observedRangeEvents
	h headKnower
}

func (o observedHeadEvents) CommittedNext(stream string) (uint64, bool) {
	return o.h.CommittedNext(stream)
}

// rangeReader is the bounded stream read some stores have; commands use it to read a
// replayed request's records alone, so the wrapper must not hide it.
type rangeReader interface {
	ReadStreamRange(ctx context.Context, stream string, from, to uint64) ([]eventlog.Record, error)
}

type observedRangeEvents struct {
	observedEvents
	r rangeReader
}

func (o observedRangeEvents) ReadStreamRange(ctx context.Context, stream string, from, to uint64) ([]eventlog.Record, error) {
	return o.r.ReadStreamRange(ctx, stream, from, to)
}

type observedEvents struct {
	EventStore
	m *Metrics
	t *Tracing
}

func (o observedEvents) Append(ctx context.Context, stream string, expected eventlog.Expected, events []eventlog.EventData) (eventlog.AppendResult, error) {
	var end func(error)
	if o.t.Enabled() {
		ctx, events, end = o.t.startAppend(ctx, stream, events)
	}
	started := time.Now()
	res, err := o.EventStore.Append(ctx, stream, expected, events)
	took := time.Since(started)
	if end != nil {
		end(err)
	}
	if o.m != nil {
		o.m.appended(len(events), took, err)
	}
	return res, err
}

func (m *Metrics) appended(events int, took time.Duration, err error) {
	switch {
	case err == nil:
		m.appendOK.Observe(took.Seconds())
		m.appendSize.Observe(float64(events))
	case errors.Is(err, eventlog.ErrWrongExpectedRevision):
		m.appendTook.WithLabelValues(appendConflict).Observe(took.Seconds())
	default:
		m.appendTook.WithLabelValues(appendFailed).Observe(took.Seconds())
	}
}
