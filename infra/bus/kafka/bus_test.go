package kafkabus_test

import (
	"strings"
	"testing"
	"time"

	"github.com/IBM/sarama"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"

	kafkabus "github.com/chance-video/chance/infra/bus/kafka"
	"github.com/chance-video/chance/infra/bus/kafka/kafkatest"
)

// A broker without automatic topic creation (as most production clusters) gets each
// topic from the bus on first use, with the configured partitions; a topic that
// exists is left as it is.
func TestTopicsAreCreatedWithTheConfiguredPartitions(t *testing.T) {
	broker := kafkatest.Start(t)
	b, err := kafkabus.Open(kafkabus.Config{Brokers: broker.Brokers(), Partitions: 3, Log: quiet})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	for range 2 {
		if err := b.Publish("chance.events.carts", message.NewMessage("m", []byte("{}"))); err != nil {
			t.Fatal(err)
		}
	}
	again, err := kafkabus.Open(kafkabus.Config{Brokers: broker.Brokers(), Partitions: 9, Log: quiet})
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	if err := again.Publish("chance.events.carts", message.NewMessage("n", []byte("{}"))); err != nil {
		t.Fatal(err)
	}
	client, err := sarama.NewClient(broker.Brokers(), sarama.NewConfig())
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	if parts, err := client.Partitions("chance.events.carts"); err != nil || len(parts) != 3 {
		t.Fatalf("partitions %v, %v; want 3", parts, err)
	}
}

// With the broker gone, Publish fails within seconds (the forwarder then pauses and
// tries again) rather than hanging; Open fails as fast on an address with no broker.
func TestABrokerThatIsDownIsAnErrorWithinSeconds(t *testing.T) {
	broker := kafkatest.Start(t)
	b := openBus(t, broker)
	if err := b.Publish("chance.events.users", message.NewMessage("a", []byte("{}"))); err != nil {
		t.Fatal(err)
	}
	broker.Stop()
	start := time.Now()
	err := b.Publish("chance.events.users", message.NewMessage("b", []byte("{}")))
	if err == nil || time.Since(start) > 10*time.Second {
		t.Fatalf("publish with the broker down: %v after %s", err, time.Since(start))
	}
	start = time.Now()
	if _, err := kafkabus.Open(kafkabus.Config{Brokers: broker.Brokers(), Log: quiet}); err == nil || time.Since(start) > 10*time.Second {
		t.Fatalf("open with the broker down: %v after %s", err, time.Since(start))
	}
}

func TestConfigValidation(t *testing.T) {
	for _, c := range []kafkabus.Config{
		{Log: quiet},
		{Brokers: []string{"kafka"}, Log: quiet},
		{Brokers: []string{"kafka:9092"}, Partitions: -1, Log: quiet},
		{Brokers: []string{"kafka:9092"}},
	} {
		if err := c.Validate(); err == nil {
			t.Errorf("%+v accepted", c)
		}
	}
	if err := (kafkabus.Config{Brokers: []string{"kafka:9092"}, Log: quiet}).Validate(); err != nil {
		t.Fatal(err)
	}
}

// A cluster whose ACLs do not let the shop create topics: a topic an operator created
// is used as it is; a missing one is an error that says what to do.
func TestTopicsTheShopMayNotCreate(t *testing.T) {
	broker := kafkatest.Start(t)
	first, err := kafkabus.Open(kafkabus.Config{Brokers: broker.Brokers(), Partitions: 2, Log: quiet})
	if err != nil {
		t.Fatal(err)
	}
	defer first.Close()
	if err := first.Publish("chance.events.users", message.NewMessage("m", []byte("{}"))); err != nil {
		t.Fatal(err) // the operator's topic
	}
	broker.Control(kmsg.CreateTopics, func(req kmsg.Request) (kmsg.Response, error, bool) {
		resp := req.(*kmsg.CreateTopicsRequest).ResponseKind().(*kmsg.CreateTopicsResponse)
		for _, topic := range req.(*kmsg.CreateTopicsRequest).Topics {
			refused := kmsg.NewCreateTopicsResponseTopic()
			refused.Topic, refused.ErrorCode = topic.Topic, kerr.TopicAuthorizationFailed.Code
			resp.Topics = append(resp.Topics, refused)
		}
		return resp, nil, true
	})
	b, err := kafkabus.Open(kafkabus.Config{Brokers: broker.Brokers(), Partitions: 2, Log: quiet})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if err := b.Publish("chance.events.users", message.NewMessage("n", []byte("{}"))); err != nil {
		t.Fatalf("publish to a topic that exists, on a cluster refusing CREATE: %v", err)
	}
	err = b.Publish("chance.events.carts", message.NewMessage("o", []byte("{}")))
	if err == nil || !strings.Contains(err.Error(), "may not create") {
		t.Fatalf("publish to a missing topic the shop may not create: %v", err)
	}
}
