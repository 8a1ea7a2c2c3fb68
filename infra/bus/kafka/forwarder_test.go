package kafkabus_test

import (
	"context"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill-kafka/v3/pkg/kafka"

	"github.com/chance-video/chance/infra/bus/kafka/kafkatest"
	"github.com/chance-video/chance/integration"
)

// The forwarder publishes the log through the real Kafka client: a consumer group
// reads every event back once, with the event id as message id and the headers
// intact, each stream's events in order although the streams are spread over the
// partitions; the checkpoint reaches the head.
func TestForwardedEventsKeepEachStreamsOrderAcrossPartitions(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	broker := kafkatest.Start(t)
	b := openBus(t, broker)
	s := newShop(t, 20)
	s.append(ctx, 200)
	s.forward(ctx, b)

	l := newLedger()
	partitions := map[string]map[int32]bool{}
	sub, err := b.Subscribers("order-check")
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	for _, topic := range integration.Topics() {
		msgs, err := sub.Subscribe(ctx, topic)
		if err != nil {
			t.Fatal(err)
		}
		partitions[topic] = map[int32]bool{}
		go func() {
			for m := range msgs {
				p, _ := kafka.MessagePartitionFromCtx(m.Context())
				l.mu.Lock()
				partitions[topic][p] = true
				l.mu.Unlock()
				l.apply(m)
				m.Ack()
			}
		}()
	}
	l.await(ctx, t, len(s.appended))
	s.forwarded(ctx)
	s.checkEvents(t, l)
	l.mu.Lock()
	defer l.mu.Unlock()
	for topic, seen := range partitions {
		if len(seen) < 2 {
			t.Errorf("%s: events of 4 streams all on partitions %v: order across partitions not exercised", topic, seen)
		}
	}
}
