package kafkabus

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/IBM/sarama"
	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill-kafka/v3/pkg/kafka"
	"github.com/ThreeDotsLabs/watermill/message"
)

// Bus publishes to and subscribes from Kafka. It is a bus.PubSub; its Subscribers
// method is the bus.Subscribers of the handlers.
type Bus struct {
	cfg    Config
	logger watermill.LoggerAdapter
	pub    *kafka.Publisher
	topics *topics

	// mu guards closing: Publish and new subscriptions hold it shared, Close alone
	// (the watermill-kafka publisher must not be closed during a publish).
	mu     sync.RWMutex
	subs   []*kafka.Subscriber
	closed bool

	pinging atomic.Bool // a Ping is waiting for the brokers
}

// Open connects to the brokers. The brokers must be reachable now (a wrong address
// fails at start, within seconds); an outage later makes Publish fail until they are
// back, and consumers reconnect by themselves.
func Open(cfg Config) (*Bus, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	logger := watermill.NewSlogLogger(cfg.Log)
	admin, err := sarama.NewClusterAdmin(cfg.Brokers, saramaConfig(cfg.ClientID+"-admin"))
	if err != nil {
		return nil, fmt.Errorf("kafka at %v: %w", cfg.Brokers, err)
	}
	pub, err := kafka.NewPublisher(kafka.PublisherConfig{
		Brokers: cfg.Brokers, Marshaler: marshaler, OverwriteSaramaConfig: producerConfig(cfg.ClientID),
	}, logger)
	if err != nil {
		return nil, errors.Join(fmt.Errorf("kafka publisher at %v: %w", cfg.Brokers, err), admin.Close())
	}
	return &Bus{cfg: cfg, logger: logger, pub: pub, topics: newTopics(admin, cfg)}, nil
}

// Publish sends msgs to topic in order and returns once the broker has acknowledged
// each of them (from every in-sync replica), or with the error of the first it did
// not take. A message is keyed by its stream_id header, else its user_id header,
// else its id.
func (b *Bus) Publish(topic string, msgs ...*message.Message) error {
	b.mu.RLock()
	defer b.mu.RUnlock()
	if b.closed {
		return errors.New("kafka: bus closed")
	}
	if err := b.topics.ensure(topic); err != nil {
		return err
	}
	if err := b.pub.Publish(topic, msgs...); err != nil {
		return fmt.Errorf("publish to %s: %w", topic, err)
	}
	return nil
}

// Subscribe reads topic from now on, outside any consumer group: every call gets
// every message published after it, as on the in-process bus, and nothing is
// remembered. Handlers that must not miss a message use Subscribers.
func (b *Bus) Subscribe(ctx context.Context, topic string) (<-chan *message.Message, error) {
	sub, err := b.subscriber("", sarama.OffsetNewest)
	if err != nil {
		return nil, err
	}
	return sub.Subscribe(ctx, topic)
}

// Subscribers opens a handler's subscription: a consumer group named after the
// handler, which starts from the oldest message the first time and from its
// committed offset after that.
//
// WARNING: the handler name is the group's name, where its progress is kept:
// renaming a handler makes it consume every message on its topic again.
func (b *Bus) Subscribers(handler string) (message.Subscriber, error) {
	if handler == "" {
		return nil, errors.New("kafka: a handler without a name has no consumer group")
	}
	return b.subscriber(handler, sarama.OffsetOldest)
}

func (b *Bus) subscriber(group string, initial int64) (*groupSubscriber, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return nil, errors.New("kafka: bus closed")
	}
	sub, err := kafka.NewSubscriber(kafka.SubscriberConfig{
		Brokers: b.cfg.Brokers, Unmarshaler: marshaler, ConsumerGroup: group,
		OverwriteSaramaConfig: consumerConfig(b.cfg.ClientID, initial),
	}, b.logger)
	if err != nil {
		return nil, fmt.Errorf("kafka subscriber %q: %w", group, err)
	}
	b.subs = append(b.subs, sub)
	return &groupSubscriber{Subscriber: sub, topics: b.topics}, nil
}

// Close stops every subscription, waiting for their consumers to leave their groups
// (committing what was acked), then the publisher and the admin connection.
func (b *Bus) Close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return nil
	}
	b.closed = true
	var errs []error
	for _, s := range b.subs {
		errs = append(errs, s.Close())
	}
	errs = append(errs, b.pub.Close(), b.topics.close())
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("close the kafka bus: %w", err)
	}
	return nil
}

// groupSubscriber makes sure a topic exists before its consumers join: a consumer
// group cannot subscribe to a topic the broker does not have.
type groupSubscriber struct {
	*kafka.Subscriber
	topics *topics
}

func (s *groupSubscriber) Subscribe(ctx context.Context, topic string) (<-chan *message.Message, error) {
	if err := s.topics.ensure(topic); err != nil {
		return nil, err
	}
	return s.Subscriber.Subscribe(ctx, topic)
}
