package bus_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/google/uuid"

	"github.com/chance-video/chance/infra/bus"
	"github.com/chance-video/chance/infra/clock"
	"github.com/chance-video/chance/infra/readstore/readsqlite"
	"github.com/chance-video/chance/readmodel"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

const (
	topic  = "SendNotify"
	poison = "chance.send-notify.poison"
)

var start = time.Date(2026, 12, 2, 6, 0, 0, 0, time.UTC)

// fastRetry keeps tests quick: three tries, millisecond pauses.
var fastRetry = bus.Retry{Attempts: 3, FirstPause: time.Millisecond, MaxPause: 2 * time.Millisecond}

// sender records what it handled and fails on the messages it is told to.
type sender struct {
	mu      sync.Mutex
	handled []string
	calls   map[string]int
	failing map[string]bool
}

func newSender() *sender { return &sender{calls: map[string]int{}, failing: map[string]bool{}} }

func (s *sender) handle(_ context.Context, m *message.Message) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls[m.UUID]++
	if s.failing[m.UUID] {
		return errors.New("recipient of " + m.UUID + ": no such user")
	}
	s.handled = append(s.handled, m.UUID)
	return nil
}

func (s *sender) fail(id string, fail bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failing[id] = fail
}

func (s *sender) seen() ([]string, map[string]int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	calls := map[string]int{}
	for k, v := range s.calls {
		calls[k] = v
	}
	return append([]string(nil), s.handled...), calls
}

// line is an in-process bus with an inbox and an email sender and a dead-letter
// recorder over a real (embedded) read store, running until the test ends.
type line struct {
	t            *testing.T
	bus          bus.PubSub
	store        *readsqlite.Store
	inbox, email *sender
	desk         bus.DeadLetters
}

func newLine(t *testing.T) *line {
	t.Helper()
	store, err := readsqlite.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	clk := clock.NewManual(start)
	l := &line{t: t, bus: bus.InProcess(quiet), store: store, inbox: newSender(), email: newSender()}
	l.desk = bus.DeadLetters{Store: store, Publisher: l.bus, Now: clk.Now}
	r, err := bus.NewRouter(bus.RouterConfig{Retry: fastRetry, PoisonTopic: poison, Now: clk.Now, Log: quiet}, l.bus, bus.Shared(l.bus))
	if err != nil {
		t.Fatal(err)
	}
	for name, s := range map[string]*sender{"inbox": l.inbox, "email": l.email} {
		if err := r.Deliver(name, topic, s.handle); err != nil {
			t.Fatal(err)
		}
	}
	if err := r.Keep("recorder", poison, bus.RecordDeadLetters(store, clk.Now)); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil && !errors.Is(err, context.Canceled) {
			t.Errorf("router: %v", err)
		}
		l.bus.Close()
		store.Close()
	})
	<-r.Running()
	return l
}

// publish publishes and waits for every consumer's ack, as the notifier does; a
// consumer that never acks fails the test instead of hanging it.
func (l *line) publish(id string) {
	l.t.Helper()
	m := message.NewMessage(id, []byte(`{"subject":"Покупка"}`))
	m.Metadata.Set("kind", "purchase")
	done := make(chan error, 1)
	go func() { done <- l.bus.Publish(topic, m) }()
	select {
	case err := <-done:
		if err != nil {
			l.t.Fatal(err)
		}
	case <-time.After(30 * time.Second):
		l.t.Fatalf("publishing %s still blocked after 30 s: a consumer holds it", id)
	}
}

func (l *line) deadLetters() []readmodel.DeadLetter {
	l.t.Helper()
	page, err := l.desk.List(context.Background(), 0, 0)
	if err != nil {
		l.t.Fatal(err)
	}
	return page.Items
}

// Issue 7: a message the email sender can never handle is tried a bounded number of
// times, then dead-lettered with what an admin needs; the inbox has it, and the
// messages behind it flow on (before, the sender retried it forever and nothing was
// ever delivered again).
func TestAFailingMessageIsDeadLetteredAndTheNextFlows(t *testing.T) {
	l := newLine(t)
	bad, good := uuid.NewString(), uuid.NewString()
	l.email.fail(bad, true)
	l.publish(bad)
	l.publish(good)

	if handled, calls := l.email.seen(); len(handled) != 1 || handled[0] != good || calls[bad] != fastRetry.Attempts {
		t.Fatalf("email handled %v after %d tries of the failing message; want only %s after %d tries", handled, calls[bad], good, fastRetry.Attempts)
	}
	if handled, _ := l.inbox.seen(); len(handled) != 2 {
		t.Fatalf("inbox handled %v, want both messages: a failing email never holds back the inbox", handled)
	}
	dead := l.deadLetters()
	if len(dead) != 1 {
		t.Fatalf("dead letters %+v, want one", dead)
	}
	d := dead[0]
	if d.ID != bus.DeadLetterID(bad, "email") || d.MessageID != bad || d.Topic != topic || d.Handler != "email" ||
		d.Attempts != fastRetry.Attempts || d.Reason != "recipient of "+bad+": no such user" || d.Status != readmodel.DeadLetterDead ||
		string(d.Payload) != `{"subject":"Покупка"}` || d.Metadata["kind"] != "purchase" || len(d.Metadata) != 1 ||
		!d.FirstFailedAt.Equal(start) || !d.LastFailedAt.Equal(start) || d.FailureID == "" {
		t.Fatalf("dead letter %+v", d)
	}
}

// Requeueing redelivers the message to the handler that failed on it only; once the
// cause is fixed it is handled once, and a second requeue does no harm.
func TestRequeueRedeliversToTheFailedHandlerOnly(t *testing.T) {
	l := newLine(t)
	bad := uuid.NewString()
	l.email.fail(bad, true)
	l.publish(bad)
	id := bus.DeadLetterID(bad, "email")

	// Still failing: requeued, dead-lettered again, attempts add up.
	d, err := l.desk.Requeue(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if d.Status != readmodel.DeadLetterDead || d.Attempts != 2*fastRetry.Attempts || d.Requeues != 0 {
		t.Fatalf("requeued while the cause stays: %+v; want dead again after %d attempts", d, 2*fastRetry.Attempts)
	}

	l.email.fail(bad, false) // the cause is fixed
	d, err = l.desk.Requeue(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if d.Status != readmodel.DeadLetterRequeued || d.Requeues != 1 || !d.RequeuedAt.Equal(start) {
		t.Fatalf("after the fix: %+v", d)
	}
	if handled, _ := l.email.seen(); len(handled) != 1 || handled[0] != bad {
		t.Fatalf("email handled %v, want the requeued message once", handled)
	}
	if _, calls := l.inbox.seen(); calls[bad] != 1 {
		t.Fatalf("the inbox saw the message %d times; a requeue is for the failed handler only", calls[bad])
	}
	if d, err = l.desk.Requeue(context.Background(), id); err != nil || d.Requeues != 2 || d.Status != readmodel.DeadLetterRequeued {
		t.Fatalf("a second requeue: %+v, %v", d, err)
	}
	if _, err := l.desk.Requeue(context.Background(), uuid.New()); !errors.Is(err, bus.ErrUnknownDeadLetter) {
		t.Fatalf("requeue of an unknown id: %v", err)
	}
}

// A message being retried when the router stops is left unacked (handled again after
// a restart), not dead-lettered.
func TestStoppingLeavesTheMessageUnackedNotDeadLettered(t *testing.T) {
	store, err := readsqlite.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	ps := bus.InProcess(quiet)
	defer ps.Close()
	clk := clock.NewManual(start)
	// Pauses long enough that the stop comes during one.
	r, err := bus.NewRouter(bus.RouterConfig{Retry: bus.Retry{Attempts: 3, FirstPause: time.Minute, MaxPause: time.Minute},
		PoisonTopic: poison, Now: clk.Now, Log: quiet}, ps, bus.Shared(ps))
	if err != nil {
		t.Fatal(err)
	}
	failing := make(chan *message.Message, 1)
	err = r.Deliver("email", topic, func(_ context.Context, m *message.Message) error {
		select {
		case failing <- m:
		default:
		}
		return errors.New("smtp server down")
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Keep("recorder", poison, bus.RecordDeadLetters(store, clk.Now)); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	<-r.Running()
	go ps.Publish(topic, message.NewMessage("m1", nil)) //nolint:errcheck // returns when the subscriber goes
	delivered := <-failing
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("Run returned %v", err)
	}
	select {
	case <-delivered.Acked():
		t.Fatal("a message that was never handled was acked")
	default:
	}
	page, err := store.DeadLetters(context.Background(), readmodel.DeadLetterQuery{Limit: 10})
	if err != nil || page.Total != 0 {
		t.Fatalf("dead letters after a stop: %+v, %v", page.Items, err)
	}
}

func TestRetryValidate(t *testing.T) {
	if err := (bus.Retry{}).Validate(); err != nil {
		t.Fatalf("defaults: %v", err)
	}
	for _, bad := range []bus.Retry{{Attempts: -1}, {Attempts: 101}, {FirstPause: time.Second, MaxPause: time.Millisecond}, {MaxPause: time.Hour}} {
		if err := bad.Validate(); err == nil {
			t.Errorf("%+v accepted", bad)
		}
	}
}

// A router whose subscriptions all end while it should run (the Pub/Sub closed) says so
// instead of returning as if stopped on purpose: the app must not run on without its
// consumers.
func TestRunFailsWhenEverySubscriptionEnds(t *testing.T) {
	ps := bus.InProcess(quiet)
	r, err := bus.NewRouter(bus.RouterConfig{Retry: fastRetry, PoisonTopic: poison, Now: time.Now, Log: quiet}, ps, bus.Shared(ps))
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Deliver("inbox", topic, newSender().handle); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- r.Run(context.Background()) }()
	<-r.Running()
	ps.Close()
	if err := <-done; err == nil {
		t.Fatal("Run returned nil after its Pub/Sub closed")
	}
}

// A dead letter recorded on a topic since renamed is requeued to the topic's current
// name, where its handler now listens.
func TestRequeueFollowsARenamedTopic(t *testing.T) {
	l := newLine(t)
	l.desk.Renamed = map[string]string{"OldName": topic}
	failed := start.Add(-time.Minute)
	dl := readmodel.DeadLetter{ID: uuid.New(), MessageID: uuid.NewString(), Topic: "OldName", Handler: "email",
		Payload: []byte(`{"subject":"Покупка"}`), Reason: "smtp down", Attempts: 5, FailureID: uuid.NewString(),
		FirstFailedAt: failed, LastFailedAt: failed, Status: readmodel.DeadLetterDead}
	if err := l.store.RecordDeadLetter(context.Background(), dl); err != nil {
		t.Fatal(err)
	}
	if _, err := l.desk.Requeue(context.Background(), dl.ID); err != nil {
		t.Fatal(err)
	}
	if handled, _ := l.email.seen(); len(handled) != 1 || handled[0] != dl.MessageID {
		t.Fatalf("email handled %v, want the requeued message", handled)
	}
	if handled, _ := l.inbox.seen(); len(handled) != 0 {
		t.Fatalf("the inbox handled %v; the requeue was for email only", handled)
	}
}
