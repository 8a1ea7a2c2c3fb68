package kafkabus

import (
	"errors"
	"fmt"
	"sync"

	"github.com/IBM/sarama"
)

// topics creates each topic the bus uses the first time it is used, so the bus does
// not depend on the broker's auto.create.topics.enable (off in most production
// clusters) and gets the configured partition count rather than the broker's default.
type topics struct {
	admin  sarama.ClusterAdmin
	detail sarama.TopicDetail

	mu    sync.Mutex
	known map[string]bool
}

func newTopics(admin sarama.ClusterAdmin, cfg Config) *topics {
	return &topics{admin: admin, known: map[string]bool{},
		detail: sarama.TopicDetail{NumPartitions: int32(cfg.Partitions), ReplicationFactor: int16(cfg.ReplicationFactor)}}
}

// ensure creates topic unless it exists. A topic that exists keeps its partitions.
func (t *topics) ensure(topic string) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.known[topic] {
		return nil
	}
	detail := t.detail
	err := t.admin.CreateTopic(topic, &detail, false)
	switch {
	case err == nil, errors.Is(err, sarama.ErrTopicAlreadyExists):
	case errors.Is(err, sarama.ErrTopicAuthorizationFailed), errors.Is(err, sarama.ErrClusterAuthorizationFailed):
		// A cluster whose ACLs let the shop use topics but not create them: fine if
		// an operator created this one.
		if !t.exists(topic) {
			return fmt.Errorf("kafka topic %s does not exist and this shop may not create it (create it, with %d partitions, or grant CREATE): %w",
				topic, t.detail.NumPartitions, err)
		}
	default:
		return fmt.Errorf("create kafka topic %s: %w", topic, err)
	}
	t.known[topic] = true
	return nil
}

// exists reports whether the cluster has topic.
func (t *topics) exists(topic string) bool {
	found, err := t.admin.DescribeTopics([]string{topic})
	return err == nil && len(found) == 1 && found[0].Err == sarama.ErrNoError && len(found[0].Partitions) > 0
}

func (t *topics) close() error { return t.admin.Close() }
