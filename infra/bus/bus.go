// Package bus routes messages between the shop's parts through Watermill: an
// in-process Go channel on the embedded default (Kafka in production).
package bus

import (
	"context"
	"fmt"
	"log/slog"
	"time"

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

// Retry pauses between failed attempts at one message: a busy store or a lookup that
// fails for a moment gets time to recover.
const (
	firstRetry = 100 * time.Millisecond
	maxRetry   = 30 * time.Second
)

// Consume feeds every message of topic to handle until ctx ends. A message is acked
// only once handled: a failing handler is retried with growing pauses, holding back
// the messages behind it (and, on the in-process bus, the publisher) rather than
// dropping one. When ctx ends first, the message is left unacked, so the publisher
// does not count it as delivered.
//
// WARNING: a message that can never be handled stops this channel's deliveries until
// the cause is fixed; every failure is logged with the message id.
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
			if err := deliver(ctx, m, topic, log, handle); err != nil {
				return err // ctx ended: the message stays unacked
			}
			m.Ack()
		}
	}
}

// deliver calls handle until it succeeds or ctx ends.
func deliver(ctx context.Context, m *message.Message, topic string, log *slog.Logger, handle Handler) error {
	pause := firstRetry
	for {
		err := handle(ctx, m)
		if err == nil {
			return nil
		}
		log.Error("message not handled; retrying", "topic", topic, "message_id", m.UUID, "retry_in", pause, "error", err)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(pause):
		}
		pause = min(2*pause, maxRetry)
	}
}
