package kafkabus_test

import (
	"context"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/google/uuid"

	"github.com/chance-video/chance/infra/bus/kafka/kafkatest"
	"github.com/chance-video/chance/integration"
)

// A consumer that dies after its effect but before its ack leaves the message
// uncommitted: the group's next consumer (another process) gets it again, and the
// idempotent handler applies it no more: one effect each, nothing lost. What was
// acked before is not redelivered.
func TestAConsumerKilledBeforeItsAckHandsTheMessageToTheNext(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	broker := kafkatest.Start(t)
	const topic, group = "chance.send-notify", "sender_email"
	customer := uuid.NewString()
	var ids []string
	pub := openBus(t, broker)
	for range 3 {
		m := message.NewMessage(uuid.NewString(), []byte(`{"subject":"Покупка"}`))
		m.Metadata.Set(integration.MetaUserID, customer) // one customer: one partition, in order
		ids = append(ids, m.UUID)
		if err := pub.Publish(topic, m); err != nil {
			t.Fatal(err)
		}
	}
	l := newLedger()
	receive := func(msgs <-chan *message.Message) *message.Message {
		t.Helper()
		select {
		case m := <-msgs:
			return m
		case <-ctx.Done():
			t.Fatal("no message within the test's time")
			return nil
		}
	}

	first, err := openBus(t, broker).Subscribers(group)
	if err != nil {
		t.Fatal(err)
	}
	msgs, err := first.Subscribe(ctx, topic)
	if err != nil {
		t.Fatal(err)
	}
	m := receive(msgs)
	l.apply(m)
	m.Ack()
	m = receive(msgs)
	if m.UUID != ids[1] {
		t.Fatalf("second message %s, want %s", m.UUID, ids[1])
	}
	l.apply(m) // the effect; then the process dies before acking
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}

	next, err := openBus(t, broker).Subscribers(group)
	if err != nil {
		t.Fatal(err)
	}
	msgs, err = next.Subscribe(ctx, topic)
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		m := receive(msgs)
		l.apply(m)
		m.Ack()
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.deliveries[ids[0]] != 1 || l.deliveries[ids[1]] != 2 || l.deliveries[ids[2]] != 1 {
		t.Fatalf("deliveries %v; want the unacked %s twice, the others once", l.deliveries, ids[1])
	}
	for _, id := range ids {
		if l.effects[id] != 1 {
			t.Fatalf("effects %v; want one each", l.effects)
		}
	}
}
