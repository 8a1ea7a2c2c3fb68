package kafkabus_test

import (
	"context"
	"testing"
	"time"

	"github.com/chance-video/chance/infra/bus/kafka/kafkatest"
	"github.com/chance-video/chance/integration"
)

// The broker goes away while the shop keeps writing: appends go on into the log, the
// forwarder fails and tries again with growing pauses, and once the broker is back
// every event is forwarded and consumed, each applied exactly once after the
// consumer's deduplication, in its stream's order; the checkpoint reaches the head.
func TestTheBrokerDownDuringWritesLosesNothing(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 40*time.Second)
	defer cancel()
	broker := kafkatest.Start(t)
	b := openBus(t, broker)
	s := newShop(t, 10)
	l := newLedger()
	consume(ctx, t, b, "outage-check", l, integration.TopicAccounts, integration.TopicRentals, integration.TopicUsers)
	s.streams = s.streams[:3] // account, rental, user: the topics consumed
	s.forward(ctx, b)
	s.append(ctx, 30)
	l.await(ctx, t, 30)

	broker.Stop()
	s.append(ctx, 60) // the log is the record: commands keep working
	select {
	case <-s.failures: // the forwarder noticed
	case <-ctx.Done():
		t.Fatal("the forwarder never failed while the broker was down")
	}
	s.append(ctx, 30)
	broker.Restart()

	l.await(ctx, t, len(s.appended))
	s.forwarded(ctx)
	s.checkEvents(t, l)
}
