package kafkabus_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ThreeDotsLabs/watermill/message/router/middleware"
	"github.com/google/uuid"

	"github.com/chance-video/chance/infra/bus"
	"github.com/chance-video/chance/infra/bus/kafka/kafkatest"
	"github.com/chance-video/chance/integration"
)

// On Kafka too, a message a handler can never handle is tried a bounded number of
// times, then published to the poison topic with the reason and the handler's name,
// and the customer's next message (same partition, behind it) flows.
func TestAPoisonMessageGoesToThePoisonTopicOnKafka(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	broker := kafkatest.Start(t)
	b := openBus(t, broker)
	const topic, poison = "chance.send-notify", "chance.send-notify.poison"
	customer := uuid.NewString()
	bad, good := uuid.NewString(), uuid.NewString()

	router, err := bus.NewRouter(bus.RouterConfig{Retry: bus.Retry{Attempts: 3, FirstPause: time.Millisecond, MaxPause: 2 * time.Millisecond},
		PoisonTopic: poison, Now: time.Now, Log: quiet}, b, b.Subscribers)
	if err != nil {
		t.Fatal(err)
	}
	sent := newLedger()
	if err := router.Deliver("sender_sms", topic, func(_ context.Context, m *message.Message) error {
		if m.UUID == bad {
			return errors.New("gateway refuses " + m.UUID)
		}
		sent.apply(m)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	poisoned := make(chan *message.Message, 10)
	if err := router.Keep("poison_check", poison, func(_ context.Context, m *message.Message) error {
		poisoned <- m
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- router.Run(runCtx) }()
	defer func() {
		stop()
		if err := <-done; err != nil && !errors.Is(err, context.Canceled) {
			t.Errorf("router: %v", err)
		}
	}()

	for _, id := range []string{bad, good} {
		m := message.NewMessage(id, []byte(`{"text":"Напоминание"}`))
		m.Metadata.Set(integration.MetaUserID, customer)
		if err := b.Publish(topic, m); err != nil {
			t.Fatal(err)
		}
	}
	sent.await(ctx, t, 1)
	var m *message.Message
	select {
	case m = <-poisoned:
	case <-ctx.Done():
		t.Fatal("nothing on the poison topic")
	}
	if m.UUID != bad || m.Metadata.Get(middleware.PoisonedHandlerKey) != "sender_sms" || m.Metadata.Get(middleware.PoisonedTopicKey) != topic ||
		m.Metadata.Get(bus.MetaAttempts) != "3" || m.Metadata.Get(integration.MetaUserID) != customer ||
		!strings.Contains(m.Metadata.Get(middleware.ReasonForPoisonedKey), "gateway refuses") {
		t.Fatalf("poisoned %s with %v", m.UUID, m.Metadata)
	}
	sent.mu.Lock()
	defer sent.mu.Unlock()
	if sent.effects[good] != 1 || sent.deliveries[bad] != 0 {
		t.Fatalf("sent %v", sent.effects)
	}
}
