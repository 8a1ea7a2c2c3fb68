package app

import (
	"fmt"
	"log/slog"

	"github.com/chance-video/chance/infra/bus"
	kafkabus "github.com/chance-video/chance/infra/bus/kafka"
	"github.com/chance-video/chance/infra/config"
)

// openBus opens the configured bus: the in-process Go channel (embedded) or Kafka.
// It returns the Pub/Sub and how a named handler gets its own subscription (on Kafka
// a consumer group of that name, which keeps its progress on the broker).
func openBus(cfg config.Config, log *slog.Logger) (bus.PubSub, bus.Subscribers, error) {
	switch cfg.Bus {
	case config.Kafka:
		k, err := kafkabus.Open(kafkabus.Config{Brokers: cfg.KafkaBrokers, Partitions: cfg.KafkaPartitions, Log: log})
		if err != nil {
			return nil, nil, fmt.Errorf("open the kafka bus (CHANCE_KAFKA_BROKERS): %w", err)
		}
		return k, k.Subscribers, nil
	default:
		ps := bus.InProcess(log)
		return ps, bus.Shared(ps), nil
	}
}
