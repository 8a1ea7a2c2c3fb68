package kafkabus

import (
	"context"
	"errors"
	"fmt"
)

// Ping asks the cluster to describe itself: nil once a broker answered. sarama's call
// takes no context, so it runs aside and Ping returns when ctx ends; while an earlier
// call is still waiting for the brokers, Ping fails at once rather than piling calls up.
func (b *Bus) Ping(ctx context.Context) error {
	if !b.pinging.CompareAndSwap(false, true) {
		return errors.New("kafka: an earlier check is still waiting for the brokers")
	}
	done := make(chan error, 1)
	go func() {
		defer b.pinging.Store(false)
		brokers, _, err := b.topics.admin.DescribeCluster()
		if err == nil && len(brokers) == 0 {
			err = errors.New("no broker")
		}
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			return fmt.Errorf("kafka at %v: %w", b.cfg.Brokers, err)
		}
		return nil
	case <-ctx.Done():
		return fmt.Errorf("kafka at %v: no answer: %w", b.cfg.Brokers, ctx.Err())
	}
}
