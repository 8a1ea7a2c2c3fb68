// Package bus routes messages between the shop's parts through Watermill: an
// in-process Go channel on the embedded default (Kafka in production). Consumers run
// in a Router that retries a failing handler a bounded number of times and then
// dead-letters the message, so one message that cannot be handled never holds back
// the ones behind it.
package bus

import (
	"context"
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
// so a publisher that has moved on knows its messages were handled: the forwarder's
// progress then covers the senders too. A Router acks a message once it is handled
// or dead-lettered (and the dead letter recorded), so a publisher waits at most for
// a handler's bounded retries.
func InProcess(log *slog.Logger) PubSub {
	return gochannel.NewGoChannel(gochannel.Config{BlockPublishUntilSubscriberAck: true}, watermill.NewSlogLogger(log))
}

// Handler handles one message; an error asks for it again.
type Handler func(ctx context.Context, m *message.Message) error

// Subscribers opens one handler's own subscription: on the in-process bus another
// subscription of the same channel (each gets every message), on Kafka a consumer
// group named after the handler. A handler's name is therefore where its progress
// is kept.
type Subscribers func(handler string) (message.Subscriber, error)

// Shared is Subscribers for a Pub/Sub on which every Subscribe call is a subscription
// of its own, such as the in-process bus.
func Shared(sub message.Subscriber) Subscribers {
	return func(string) (message.Subscriber, error) { return sub, nil }
}
