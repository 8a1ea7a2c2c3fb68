package kafkabus_test

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/google/uuid"

	"github.com/chance-video/chance/eventlog"
	kafkabus "github.com/chance-video/chance/infra/bus/kafka"
	"github.com/chance-video/chance/infra/bus/kafka/kafkatest"
	"github.com/chance-video/chance/infra/checkpoints"
	"github.com/chance-video/chance/infra/eventstore/eventsqlite"
	"github.com/chance-video/chance/integration"
	"github.com/chance-video/chance/projections"
)

var quiet = slog.New(slog.DiscardHandler)

// openBus opens a Kafka bus on broker, closed when the test ends.
func openBus(t testing.TB, broker *kafkatest.Broker) *kafkabus.Bus {
	t.Helper()
	b, err := kafkabus.Open(kafkabus.Config{Brokers: broker.Brokers(), Partitions: 6, Log: quiet})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := b.Close(); err != nil {
			t.Errorf("close the bus: %v", err)
		}
	})
	return b
}

// shop is an embedded event log and a forwarder to a bus, as `chance serve` runs them.
type shop struct {
	t        testing.TB
	log      *eventsqlite.Store
	progress *projections.Progress
	saved    checkpoints.Files
	streams  []string
	appended []eventlog.EventData // in log order: appended[i] is at commit position i+1
	failures chan string          // the forwarder's "trying again" warnings
}

func newShop(t testing.TB, streams int) *shop {
	t.Helper()
	dir := t.TempDir()
	log, err := eventsqlite.Open(filepath.Join(dir, "events.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { log.Close() })
	s := &shop{t: t, log: log, progress: projections.NewProgress(integration.ForwarderName), saved: checkpoints.Files{Dir: dir},
		failures: make(chan string, 1000)}
	for i := range streams {
		category := []string{"account", "rental", "user", "premiere", "cart"}[i%5]
		s.streams = append(s.streams, category+"-"+uuid.NewString())
	}
	return s
}

// append adds n events, one per append as commands do, spreading them over the streams.
func (s *shop) append(ctx context.Context, n int) {
	s.t.Helper()
	for range n {
		i := len(s.appended)
		e := eventlog.EventData{ID: uuid.New(), Type: "test.happened.v1", Data: fmt.Appendf(nil, `{"n":%d}`, i),
			Metadata: eventlog.Metadata{CorrelationID: "corr-" + fmt.Sprint(i), CausationID: "cause-" + fmt.Sprint(i), UserID: "u",
				OccurredAt: time.Date(2026, 12, 2, 9, 0, 0, i, time.UTC)}}
		if _, err := s.log.Append(ctx, s.streams[i%len(s.streams)], eventlog.Any, []eventlog.EventData{e}); err != nil {
			s.t.Fatal(err)
		}
		s.appended = append(s.appended, e)
	}
}

// forward runs the forwarder to pub until the test ends.
func (s *shop) forward(ctx context.Context, pub message.Publisher) {
	ctx, cancel := context.WithCancel(ctx)
	fwd := &integration.Forwarder{Log: s.log, Publisher: pub, Checkpoints: s.saved, Progress: s.progress,
		Pauses: integration.Pauses{First: 10 * time.Millisecond, Max: 200 * time.Millisecond},
		Logger: slog.New(&warnings{into: s.failures})}
	done := make(chan struct{})
	go func() { defer close(done); _ = fwd.Run(ctx) }()
	s.t.Cleanup(func() { cancel(); <-done })
}

// forwarded waits until the forwarder's checkpoint is at the log's head.
func (s *shop) forwarded(ctx context.Context) {
	s.t.Helper()
	head, err := s.log.Head(ctx)
	if err != nil {
		s.t.Fatal(err)
	}
	if err := s.progress.Wait(ctx, head, integration.ForwarderName); err != nil {
		s.t.Fatalf("forwarder not at the head %s: %v", head, err)
	}
	if at, _ := s.saved.Load(ctx, integration.ForwarderName); at != head {
		s.t.Fatalf("checkpoint at %s, want the head %s", at, head)
	}
}

// warnings passes on the messages of the warnings logged.
type warnings struct{ into chan string }

func (w *warnings) Enabled(_ context.Context, l slog.Level) bool { return l >= slog.LevelWarn }
func (w *warnings) Handle(_ context.Context, r slog.Record) error {
	select {
	case w.into <- r.Message:
	default:
	}
	return nil
}
func (w *warnings) WithAttrs([]slog.Attr) slog.Handler { return w }
func (w *warnings) WithGroup(string) slog.Handler      { return w }

// ledger is an idempotent consumer: it remembers the message ids it has applied and
// applies a redelivered one no more (a real consumer does so in the transaction of its
// effect). It counts deliveries and effects apart.
type ledger struct {
	mu         sync.Mutex
	deliveries map[string]int
	effects    map[string]int
	records    []eventlog.Record // each applied event, in the order applied
	changed    chan struct{}
}

func newLedger() *ledger {
	return &ledger{deliveries: map[string]int{}, effects: map[string]int{}, changed: make(chan struct{})}
}

// apply handles m; true if it had an effect (not a redelivery).
func (l *ledger) apply(m *message.Message) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	defer func() { close(l.changed); l.changed = make(chan struct{}) }()
	l.deliveries[m.UUID]++
	if l.effects[m.UUID] > 0 {
		return false
	}
	l.effects[m.UUID]++
	if rec, err := integration.Decode(m); err == nil {
		l.records = append(l.records, rec)
	}
	return true
}

// await waits until n distinct messages have had their effect.
func (l *ledger) await(ctx context.Context, t testing.TB, n int) {
	t.Helper()
	for {
		l.mu.Lock()
		got, changed := len(l.effects), l.changed
		l.mu.Unlock()
		if got >= n {
			return
		}
		select {
		case <-changed:
		case <-ctx.Done():
			t.Fatalf("%d of %d messages handled", got, n)
		}
	}
}

// consume applies every message of topics to l under the consumer group group, acking
// each after its effect, until the test ends.
func consume(ctx context.Context, t testing.TB, b *kafkabus.Bus, group string, l *ledger, topics ...string) {
	t.Helper()
	sub, err := b.Subscribers(group)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	for _, topic := range topics {
		msgs, err := sub.Subscribe(ctx, topic)
		if err != nil {
			t.Fatal(err)
		}
		wg.Go(func() {
			for m := range msgs {
				l.apply(m)
				m.Ack()
			}
		})
	}
	t.Cleanup(func() { cancel(); sub.Close(); wg.Wait() })
}

// checkEvents checks that every appended event was applied once with its id, payload
// and headers intact, and each stream's events in their order.
func (s *shop) checkEvents(t testing.TB, l *ledger) {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.records) != len(s.appended) {
		t.Fatalf("%d events applied, %d appended", len(l.records), len(s.appended))
	}
	next := map[string]uint64{}
	for _, rec := range l.records {
		if want := next[rec.StreamID]; rec.Revision != want {
			t.Fatalf("%s: revision %d arrived when %d was due", rec.StreamID, rec.Revision, want)
		}
		next[rec.StreamID]++
		i := int(rec.Position.Commit) - 1
		e := s.appended[i]
		if rec.ID != e.ID || string(rec.Data) != string(e.Data) || rec.Type != e.Type || rec.StreamID != s.streams[i%len(s.streams)] ||
			rec.Metadata.CorrelationID != e.Metadata.CorrelationID || rec.Metadata.CausationID != e.Metadata.CausationID ||
			rec.Metadata.UserID != "u" || !rec.Metadata.OccurredAt.Equal(e.Metadata.OccurredAt) {
			t.Fatalf("event at %s arrived as %+v, appended as %+v", rec.Position, rec, e)
		}
		if topic, _ := integration.TopicOf(rec.StreamID); !strings.HasPrefix(topic, "chance.events.") {
			t.Fatalf("%s has no topic", rec.StreamID)
		}
	}
	for id, n := range l.effects {
		if n != 1 {
			t.Fatalf("message %s had %d effects", id, n)
		}
	}
}
