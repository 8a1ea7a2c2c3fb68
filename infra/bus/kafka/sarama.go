package kafkabus

import (
	"time"

	"github.com/IBM/sarama"
	"github.com/ThreeDotsLabs/watermill-kafka/v3/pkg/kafka"
	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/chance-video/chance/integration"
)

// protocolVersion is the Kafka protocol version the client speaks: any Kafka from 3.0 (and
// the kfake test broker) understands it.
//
// WARNING: sarama before v1.61 receives nothing in a consumer group at versions
// from 2.4; keep sarama at v1.61.1 or later with this.
var protocolVersion = sarama.V3_0_0_0

// Bounds that turn a broker that is down into an error within seconds: the caller
// (the forwarder, a router's retries) decides when to try again.
const (
	dialTimeout    = 3 * time.Second
	requestTimeout = 10 * time.Second // waiting for one answer
	ackTimeout     = 10 * time.Second // the broker waiting for its replicas
	retries        = 3
	retryBackoff   = 250 * time.Millisecond
)

// saramaConfig is the client configuration every part of the bus starts from.
func saramaConfig(clientID string) *sarama.Config {
	c := sarama.NewConfig()
	c.ClientID = clientID
	c.Version = protocolVersion
	c.Net.DialTimeout = dialTimeout
	c.Net.ReadTimeout = requestTimeout
	c.Net.WriteTimeout = requestTimeout
	c.Metadata.Retry.Max = retries
	c.Metadata.Retry.Backoff = retryBackoff
	c.Metadata.Timeout = requestTimeout
	c.Admin.Timeout = requestTimeout
	c.Admin.Retry.Max = retries
	c.Admin.Retry.Backoff = retryBackoff
	return c
}

// producerConfig: a message counts as published once every in-sync replica has it.
func producerConfig(clientID string) *sarama.Config {
	c := saramaConfig(clientID)
	c.Producer.RequiredAcks = sarama.WaitForAll
	c.Producer.Timeout = ackTimeout
	c.Producer.Return.Successes = true
	c.Producer.Return.Errors = true
	c.Producer.Retry.Max = retries
	c.Producer.Retry.Backoff = retryBackoff
	return c
}

// consumerConfig: a new group starts from the oldest message (the default, the
// newest, would skip what was published before the group first joined). Offsets are
// marked when the handler acks a message and committed every second and when the
// consumer leaves; a crash in between redelivers at most that second's messages,
// which consumers deduplicate by message id.
func consumerConfig(clientID string, initial int64) *sarama.Config {
	c := saramaConfig(clientID)
	c.Consumer.Offsets.Initial = initial
	c.Consumer.Offsets.AutoCommit.Enable = true
	c.Consumer.Offsets.AutoCommit.Interval = time.Second
	c.Consumer.Return.Errors = true
	c.Consumer.Group.Rebalance.GroupStrategies = []sarama.BalanceStrategy{sarama.NewBalanceStrategySticky()}
	return c
}

// marshaler keys each message so that the messages that must stay in order share a
// partition: an event by its stream, a notification by its customer, anything else
// by its own id (spread evenly, in no particular order).
var marshaler = kafka.NewWithPartitioningMarshaler(partitionKey)

func partitionKey(_ string, m *message.Message) (string, error) {
	if k := m.Metadata.Get(integration.MetaStreamID); k != "" {
		return k, nil
	}
	if k := m.Metadata.Get(integration.MetaUserID); k != "" {
		return k, nil
	}
	return m.UUID, nil
}
