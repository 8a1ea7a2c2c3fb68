package senders_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/google/uuid"

	"github.com/chance-video/chance/domain/user"
	"github.com/chance-video/chance/infra/bus"
	"github.com/chance-video/chance/infra/clock"
	"github.com/chance-video/chance/infra/readstore/readsqlite"
	"github.com/chance-video/chance/infra/senders"
	"github.com/chance-video/chance/notifications"
	"github.com/chance-video/chance/readmodel"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// fastRetry keeps tests quick: three tries, millisecond pauses.
var fastRetry = bus.Retry{Attempts: 3, FirstPause: time.Millisecond, MaxPause: 2 * time.Millisecond}

var sentAt = time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)

// ann is the customer every test writes to, on every channel.
var ann = user.State{ID: uuid.New(), Email: "ann@example.ru", FirstName: "Анна", LastName: "Тестова",
	Phone: "+79991234567", TelegramChatID: "123456789"}

// message1 is a purchase message for ann on channel.
func message1(channel string) notifications.Message {
	return notifications.Message{ID: uuid.New(), UserID: ann.ID, Kind: notifications.KindPurchase,
		Subject: "Покупка: «Гамлет»", Body: "Вы купили «Гамлет» за 350,00 ₽.\nПриятного просмотра!\n",
		Short: "Шанс-видео: «Гамлет» ваш до 09.12", Channels: []string{notifications.ChannelInbox, channel},
		CreatedAt: sentAt.Add(-time.Minute)}
}

// pipeline is a sender as the shop runs it: one handler of a bus.Router over the
// in-process bus, with bounded retries, dead letters and sent records in a real
// (embedded) read store.
type pipeline struct {
	t     *testing.T
	bus   bus.PubSub
	store *readsqlite.Store
	once  *senders.Once
	retry bus.Retry // fastRetry unless a test changes it before run
	clock *clock.Manual
}

func newPipeline(t *testing.T) *pipeline {
	t.Helper()
	store, err := readsqlite.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	clk := clock.NewManual(sentAt)
	return &pipeline{t: t, bus: bus.InProcess(quiet), store: store, once: &senders.Once{Records: store, Now: clk.Now, Log: quiet}, retry: fastRetry, clock: clk}
}

// run routes the notifications topic to handle under name until the test ends.
func (p *pipeline) run(name string, handle bus.Handler) {
	p.t.Helper()
	r, err := bus.NewRouter(bus.RouterConfig{Retry: p.retry, PoisonTopic: notifications.PoisonTopic, Now: func() time.Time { return sentAt }, Log: quiet},
		p.bus, bus.Shared(p.bus))
	if err != nil {
		p.t.Fatal(err)
	}
	if err := r.Deliver(name, notifications.Topic, handle); err != nil {
		p.t.Fatal(err)
	}
	if err := r.Keep(senders.DeadLetterHandler, notifications.PoisonTopic, bus.RecordDeadLetters(p.store, func() time.Time { return sentAt })); err != nil {
		p.t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	p.t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil && !errors.Is(err, context.Canceled) {
			p.t.Errorf("router: %v", err)
		}
		p.bus.Close()
		p.store.Close()
	})
	<-r.Running()
}

// publish publishes msg and returns once the handler acked it (handled or
// dead-lettered), as the notifier does.
func (p *pipeline) publish(msg notifications.Message) {
	p.t.Helper()
	p.publishWith(msg, nil)
}

// publishWith publishes msg with metadata, as publish does.
func (p *pipeline) publishWith(msg notifications.Message, metadata map[string]string) {
	p.t.Helper()
	payload, err := json.Marshal(msg)
	if err != nil {
		p.t.Fatal(err)
	}
	wm := message.NewMessage(msg.ID.String(), payload)
	for k, v := range metadata {
		wm.Metadata.Set(k, v)
	}
	done := make(chan error, 1)
	go func() { done <- p.bus.Publish(notifications.Topic, wm) }()
	select {
	case err := <-done:
		if err != nil {
			p.t.Fatal(err)
		}
	case <-time.After(30 * time.Second):
		p.t.Fatalf("publishing %s still blocked after 30 s: the sender holds it", msg.ID)
	}
}

func (p *pipeline) sent(channel string, id uuid.UUID) bool {
	p.t.Helper()
	ok, err := p.store.Sent(context.Background(), channel, id)
	if err != nil {
		p.t.Fatal(err)
	}
	return ok
}

func (p *pipeline) deadLetters() []readmodel.DeadLetter {
	p.t.Helper()
	page, err := p.store.DeadLetters(context.Background(), readmodel.DeadLetterQuery{Limit: 100})
	if err != nil {
		p.t.Fatal(err)
	}
	return page.Items
}

// ackLost wraps a handler so that the first time it succeeds on a message the ack is
// lost, as when the process dies between the send and the ack: the bus delivers the
// message again. calls says how often the handler ran on a message.
func ackLost(handle bus.Handler) (_ bus.Handler, calls func(id uuid.UUID) int) {
	var mu sync.Mutex
	count := map[string]int{}
	return func(ctx context.Context, m *message.Message) error {
			err := handle(ctx, m)
			mu.Lock()
			defer mu.Unlock()
			count[m.UUID]++
			if err == nil && count[m.UUID] == 1 {
				return errors.New("crashed before the ack")
			}
			return err
		}, func(id uuid.UUID) int {
			mu.Lock()
			defer mu.Unlock()
			return count[id.String()]
		}
}
