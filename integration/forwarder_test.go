package integration_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ThreeDotsLabs/watermill/pubsub/gochannel"
	"github.com/google/uuid"

	"github.com/chance-video/chance/eventlog"
	"github.com/chance-video/chance/infra/checkpoints"
	"github.com/chance-video/chance/infra/eventstore/eventsqlite"
	"github.com/chance-video/chance/integration"
	"github.com/chance-video/chance/projections"
)

// refusing fails its first refusals publishes, as a broker that is down does.
type refusing struct {
	message.Publisher
	refusals atomic.Int32
}

func (r *refusing) Publish(topic string, msgs ...*message.Message) error {
	if r.refusals.Add(-1) >= 0 {
		return errors.New("broker unreachable")
	}
	return r.Publisher.Publish(topic, msgs...)
}

// Every event reaches its category's topic once, in its stream's order, with the
// event id as message id and its place in the log in the headers; the checkpoint
// moves only once the bus took them, and a bus that refuses for a while loses nothing.
func TestForwarderPublishesEveryEventInOrderThroughOutages(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	dir := t.TempDir()
	log, err := eventsqlite.Open(filepath.Join(dir, "events.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer log.Close()
	account, rental := "account-"+uuid.NewString(), "rental-"+uuid.NewString()
	var appended []eventlog.EventData
	for i := range 20 {
		stream := account
		if i%3 == 0 {
			stream = rental
		}
		e := eventlog.EventData{ID: uuid.New(), Type: "test.happened.v1", Data: []byte(fmt.Sprintf(`{"n":%d}`, i)),
			Metadata: eventlog.Metadata{CorrelationID: "corr", CausationID: "cause", OccurredAt: time.Date(2026, 12, 2, 9, 0, i, 0, time.UTC)}}
		if _, err := log.Append(ctx, stream, eventlog.Any, []eventlog.EventData{e}); err != nil {
			t.Fatal(err)
		}
		appended = append(appended, e)
	}
	bus := gochannel.NewGoChannel(gochannel.Config{BlockPublishUntilSubscriberAck: true}, watermill.NopLogger{})
	accounts, _ := bus.Subscribe(ctx, integration.TopicAccounts)
	rentals, _ := bus.Subscribe(ctx, integration.TopicRentals)
	progress := projections.NewProgress(integration.ForwarderName)
	saved := checkpoints.Files{Dir: dir}
	fwd := &integration.Forwarder{Log: log, Publisher: &refusing{Publisher: bus, refusals: atomic.Int32{}}, Checkpoints: saved,
		Progress: progress, Pauses: integration.Pauses{First: time.Millisecond, Max: 4 * time.Millisecond}, Logger: slog.New(slog.DiscardHandler)}
	fwd.Publisher.(*refusing).refusals.Store(5)
	go func() { _ = fwd.Run(ctx) }()

	var got []eventlog.Record
	for len(got) < len(appended) {
		var m *message.Message
		select {
		case m = <-accounts:
		case m = <-rentals:
		case <-ctx.Done():
			t.Fatalf("received %d of %d events", len(got), len(appended))
		}
		m.Ack()
		rec, err := integration.Decode(m)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, rec)
	}
	head, _ := log.Head(ctx)
	if err := progress.Wait(ctx, head, integration.ForwarderName); err != nil {
		t.Fatal(err)
	}
	if at, _ := saved.Load(ctx, integration.ForwarderName); at != head {
		t.Fatalf("checkpoint at %s, want the head %s", at, head)
	}
	if left := fwd.Publisher.(*refusing).refusals.Load(); left >= 0 {
		t.Fatalf("the bus refused %d times too few: the outage was not exercised", left+1)
	}
	revisions := map[string]uint64{}
	for _, rec := range got {
		if want := revisions[rec.StreamID]; rec.Revision != want {
			t.Fatalf("%s: revision %d arrived when %d was due", rec.StreamID, rec.Revision, want)
		}
		revisions[rec.StreamID]++
		i := int(rec.Position.Commit) - 1
		if rec.ID != appended[i].ID || string(rec.Data) != string(appended[i].Data) || rec.Type != "test.happened.v1" ||
			rec.Metadata.CorrelationID != "corr" || rec.Metadata.CausationID != "cause" || !rec.Metadata.OccurredAt.Equal(appended[i].Metadata.OccurredAt) {
			t.Fatalf("event at %s arrived as %+v, appended as %+v", rec.Position, rec, appended[i])
		}
	}
}

// A message that is not an event message is refused with the reason, not misread.
func TestDecodeRefusesAMessageWithoutItsHeaders(t *testing.T) {
	if _, err := integration.Decode(message.NewMessage(uuid.NewString(), []byte(`{}`))); err == nil {
		t.Fatal("decoded a message with no event headers")
	}
	if _, ok := integration.TopicOf("payment-1"); ok {
		t.Fatal("a stream of no known category has a topic")
	}
	if topic, _ := integration.TopicOf("email-abc"); topic != integration.TopicUsers {
		t.Fatalf("email guards go to %q", topic)
	}
}

// An event's metadata survives its message, trace context included (when the event
// was traced; an untraced event's message has no traceparent header).
func TestEncodeDecodeKeepsTheMetadata(t *testing.T) {
	rec := eventlog.Record{EventData: eventlog.EventData{ID: uuid.New(), Type: "rental.rented.v1", Data: []byte(`{}`),
		Metadata: eventlog.Metadata{CorrelationID: "c", CausationID: "k", UserID: "u", OccurredAt: time.Date(2026, 12, 2, 10, 0, 0, 1, time.UTC),
			TraceParent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}},
		StreamID: "rental-1", Revision: 3, Position: eventlog.Position{Commit: 9, Prepare: 9}}
	m := integration.Encode(rec)
	if m.Metadata.Get(integration.MetaTraceParent) != rec.Metadata.TraceParent {
		t.Fatalf("headers %v", m.Metadata)
	}
	got, err := integration.Decode(m)
	if err != nil || got.Metadata != rec.Metadata {
		t.Fatalf("decoded %+v, %v; want %+v", got.Metadata, err, rec.Metadata)
	}
	rec.Metadata.TraceParent = ""
	if _, ok := integration.Encode(rec).Metadata[integration.MetaTraceParent]; ok {
		t.Fatal("an untraced event's message has a traceparent header")
	}
}

// unreachableCheckpoints fail their first loads and saves as a database restarting
// does (a network error).
type unreachableCheckpoints struct {
	integration.Checkpoints
	loads, saves atomic.Int32
}

var refused = &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}

func (u *unreachableCheckpoints) Load(ctx context.Context, name string) (eventlog.Position, error) {
	if u.loads.Add(-1) >= 0 {
		return eventlog.Start, refused
	}
	return u.Checkpoints.Load(ctx, name)
}

func (u *unreachableCheckpoints) Save(ctx context.Context, name string, pos eventlog.Position) error {
	if u.saves.Add(-1) >= 0 {
		return refused
	}
	return u.Checkpoints.Save(ctx, name, pos)
}

// Checkpoints out of reach for a while (they live in the read store's database) pause
// the forwarder, which then goes on from the checkpoint, instead of ending it — and
// with it the whole process.
func TestForwarderRidesOutUnreachableCheckpoints(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	dir := t.TempDir()
	log, err := eventsqlite.Open(filepath.Join(dir, "events.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer log.Close()
	for i := range 3 {
		e := eventlog.EventData{ID: uuid.New(), Type: "test.happened.v1", Data: []byte(fmt.Sprintf(`{"n":%d}`, i)),
			Metadata: eventlog.Metadata{OccurredAt: time.Date(2026, 12, 2, 9, 0, i, 0, time.UTC)}}
		if _, err := log.Append(ctx, "account-"+uuid.NewString(), eventlog.Any, []eventlog.EventData{e}); err != nil {
			t.Fatal(err)
		}
	}
	bus := gochannel.NewGoChannel(gochannel.Config{}, watermill.NopLogger{})
	saved := &unreachableCheckpoints{Checkpoints: checkpoints.Files{Dir: dir}}
	saved.loads.Store(2)
	saved.saves.Store(2)
	progress := projections.NewProgress(integration.ForwarderName)
	fwd := &integration.Forwarder{Log: log, Publisher: bus, Checkpoints: saved, Progress: progress,
		Pauses: integration.Pauses{First: time.Millisecond, Max: 4 * time.Millisecond}, Logger: slog.New(slog.DiscardHandler)}
	done := make(chan error, 1)
	go func() { done <- fwd.Run(ctx) }()
	head, _ := log.Head(ctx)
	waited := make(chan error, 1)
	go func() { waited <- progress.Wait(ctx, head, integration.ForwarderName) }()
	select {
	case err := <-done:
		t.Fatalf("the forwarder ended on an unreachable store: %v", err)
	case err := <-waited:
		if err != nil {
			t.Fatalf("the forwarder did not reach the head: %v", err)
		}
	}
	if at, _ := saved.Checkpoints.Load(ctx, integration.ForwarderName); at != head {
		t.Fatalf("checkpoint at %s, want the head %s", at, head)
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("Run after its context ended: %v", err)
	}
}
