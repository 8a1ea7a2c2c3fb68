// Package kafkabus is the shop's bus on Kafka through watermill-kafka: a publisher
// that returns only once the broker has acknowledged (from every in-sync replica),
// keyed so that one stream's (or one customer's) messages keep their order, and a
// consumer group per handler that starts from the oldest message and commits its
// offset only after the handler acked. Topics are created when first used, so it
// also works against a Kafka whose automatic topic creation is off.
package kafkabus

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
)

// Config says where the brokers are and how topics are made.
type Config struct {
	Brokers []string // host:port of one or more brokers; the others are discovered
	// Partitions of a topic this bus creates (default 6). More partitions let more
	// consumers of a group share a topic; order is kept within a partition key only.
	Partitions int
	// ReplicationFactor of a topic this bus creates; 0 or -1 takes the broker's
	// default.replication.factor.
	ReplicationFactor int
	ClientID          string       // names the shop in the broker's logs; default "chance"
	Log               *slog.Logger // required
}

// DefaultPartitions is the partition count of a topic created without a setting.
const DefaultPartitions = 6

func (c Config) withDefaults() Config {
	if c.Partitions == 0 {
		c.Partitions = DefaultPartitions
	}
	if c.ReplicationFactor == 0 {
		c.ReplicationFactor = -1
	}
	if c.ClientID == "" {
		c.ClientID = "chance"
	}
	return c
}

// Validate reports settings that cannot work.
func (c Config) Validate() error {
	c = c.withDefaults()
	var errs []error
	if len(c.Brokers) == 0 {
		errs = append(errs, errors.New("kafka: no brokers"))
	}
	for _, b := range c.Brokers {
		if _, _, err := net.SplitHostPort(b); err != nil {
			errs = append(errs, fmt.Errorf("kafka: broker %q is not host:port: %v", b, err))
		}
	}
	if c.Partitions < 1 || c.Partitions > 10_000 {
		errs = append(errs, fmt.Errorf("kafka: %d partitions; want 1 to 10000", c.Partitions))
	}
	if c.ReplicationFactor < -1 || c.ReplicationFactor > 32 {
		errs = append(errs, fmt.Errorf("kafka: replication factor %d; want -1 (the broker's default) to 32", c.ReplicationFactor))
	}
	if c.Log == nil {
		errs = append(errs, errors.New("kafka: no logger"))
	}
	return errors.Join(errs...)
}
