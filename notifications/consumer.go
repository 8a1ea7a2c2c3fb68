package notifications

import (
	"time"

	"context"
	"encoding/json"
	"fmt"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/chance-video/chance/domain/codec"
	"github.com/chance-video/chance/integration"
)

// Handler names of the notification policy, one per event topic it consumes: on Kafka
// each is a consumer group, and a dead letter is requeued to its handler by name.
//
// WARNING: renaming one makes it a new consumer group that consumes its topic again
// from the start, composing (and sending, where a channel cannot deduplicate) every
// message again; its dead letters could no longer be requeued.
const (
	PolicyUsers    = "chance.notify-policy.users"
	PolicyAccounts = "chance.notify-policy.accounts"
	PolicyRentals  = "chance.notify-policy.rentals"
)

// Subscription is one handler of the policy and the event topic it consumes.
type Subscription struct {
	Name, Topic string
}

// Subscriptions are the policy's handlers: the topics of the streams whose events may
// call for a message (users, accounts, rentals).
func Subscriptions() []Subscription {
	return []Subscription{
		{Name: PolicyUsers, Topic: integration.TopicUsers},
		{Name: PolicyAccounts, Topic: integration.TopicAccounts},
		{Name: PolicyRentals, Topic: integration.TopicRentals},
	}
}

// Policy is the notification policy as a consumer of the event topics: it reads the
// event back from its message, composes what it calls for (Compose) and publishes each
// message on Topic. A message's id derives from its event's id, so a redelivered event
// composes the same ids and the senders deduplicate them.
type Policy struct {
	Lookup    Lookup
	Publisher message.Publisher
	// Configured are the channels this shop sends on (a sender runs for each).
	Configured []string
	codec      *codec.Codec
}

// NewPolicy is the policy over the write model's lookup, publishing on publisher, for
// a shop with the configured channels.
func NewPolicy(lookup Lookup, publisher message.Publisher, configured []string) *Policy {
	return &Policy{Lookup: lookup, Publisher: publisher, Configured: configured, codec: codec.Shop()}
}

// Handle composes and publishes the messages of one event message. An error (a lookup
// that failed, a bus that refused) asks for the event again: the messages published
// before it are published again with the same ids.
func (p *Policy) Handle(ctx context.Context, m *message.Message) error {
	rec, err := integration.Decode(m)
	if err != nil {
		return err
	}
	if !composes[rec.Type] {
		return nil
	}
	e, err := p.codec.Decode(rec.Type, rec.Data)
	if err != nil {
		return fmt.Errorf("notify %s@%d: %w", rec.StreamID, rec.Revision, err)
	}
	msgs, err := Compose(ctx, p.Lookup, p.Configured, rec, e)
	if err != nil {
		return fmt.Errorf("notify %s@%d: %w", rec.StreamID, rec.Revision, err)
	}
	for _, msg := range msgs {
		wm, err := Encode(msg)
		if err != nil {
			return err
		}
		wm.Metadata.Set(integration.MetaCorrelationID, rec.Metadata.CorrelationID)
		wm.Metadata.Set(integration.MetaCausationID, rec.ID.String())
		wm.SetContext(ctx) // a tracing publisher continues the handler's trace from it
		if err := p.Publisher.Publish(Topic, wm); err != nil {
			return fmt.Errorf("publish %s: %w", msg.ID, err)
		}
	}
	return nil
}

// Encode makes the bus message of a notification; its id is the notification's.
func Encode(msg Message) (*message.Message, error) {
	payload, err := json.Marshal(msg)
	if err != nil {
		return nil, fmt.Errorf("notification %s: %w", msg.ID, err)
	}
	wm := message.NewMessage(msg.ID.String(), payload)
	wm.Metadata.Set("kind", msg.Kind)
	wm.Metadata.Set(integration.MetaUserID, msg.UserID.String())                              // the partition key on Kafka: a customer's messages in order
	wm.Metadata.Set(integration.MetaOccurredAt, msg.CreatedAt.UTC().Format(time.RFC3339Nano)) // how late a sender runs (its lag)
	return wm, nil
}

// Decode reads a Message from a bus message.
func Decode(m *message.Message) (Message, error) {
	var msg Message
	if err := json.Unmarshal(m.Payload, &msg); err != nil {
		return Message{}, fmt.Errorf("notification %s: %w", m.UUID, err)
	}
	return msg, nil
}
