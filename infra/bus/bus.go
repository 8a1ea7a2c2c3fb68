// Package bus routes messages between the shop's parts through Watermill: an
// in-process Go channel on the embedded default (Kafka in production).
package bus

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ThreeDotsLabs/watermill/pubsub/gochannel"
)

// PubSub publishes and subscribes.
type PubSub interface {
	message.Publisher
	message.Subscriber
}

// InProcess is the embedded bus. Publish returns once every subscriber has acked,
// so a publisher that has moved on knows its messages were handled: the notifier's
// progress then covers the inbox too.
func InProcess(log *slog.Logger) PubSub {
	return gochannel.NewGoChannel(gochannel.Config{BlockPublishUntilSubscriberAck: true}, watermill.NewSlogLogger(log))
}

// Handler handles one message; an error asks for it again.
type Handler func(ctx context.Context, m *message.Message) error

// attempts bounds redelivery of a message whose handler keeps failing.
const attempts = 3

// Consume feeds every message of topic to handle until ctx ends. A message whose
// handler fails is retried a few times, then logged and dropped, so one bad message
// cannot stop a channel's deliveries.
// subscribed, if not nil, is called once the subscription exists.
func Consume(ctx context.Context, sub message.Subscriber, topic string, log *slog.Logger, handle Handler, subscribed func()) error {
	messages, err := sub.Subscribe(ctx, topic)
	if err != nil {
		return fmt.Errorf("subscribe to %s: %w", topic, err)
	}
	if subscribed != nil {
		subscribed()
	}
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case m, ok := <-messages:
			if !ok {
				return ctx.Err()
			}
			var err error
			for range attempts {
				if err = handle(ctx, m); err == nil {
					break
				}
			}
			if err != nil {
				log.Error("message dropped after retries", "topic", topic, "message_id", m.UUID, "error", err)
			}
			m.Ack()
		}
	}
}
