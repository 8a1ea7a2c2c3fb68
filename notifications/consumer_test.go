package notifications_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/google/uuid"

	"github.com/chance-video/chance/domain"
	"github.com/chance-video/chance/domain/codec"
	"github.com/chance-video/chance/domain/rental"
	"github.com/chance-video/chance/domain/user"
	"github.com/chance-video/chance/eventlog"
	"github.com/chance-video/chance/integration"
	"github.com/chance-video/chance/notifications"
)

// published records what the policy publishes.
type published struct {
	mu   sync.Mutex
	msgs map[string][]*message.Message
}

func (p *published) Publish(topic string, msgs ...*message.Message) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.msgs[topic] = append(p.msgs[topic], msgs...)
	return nil
}

func (p *published) Close() error { return nil }

// nobody knows no rental and no user (whose messages then go to the inbox alone).
type nobody struct{}

func (nobody) LoadRental(context.Context, uuid.UUID) (rental.State, error) {
	return rental.State{}, nil
}

func (nobody) User(context.Context, uuid.UUID) (user.State, error) {
	return user.State{}, user.ErrNotFound
}

// An event message delivered twice composes the same messages, with the same ids (so
// the senders deduplicate them), carrying the event as their cause.
func TestPolicyComposesTheSameMessagesForARedeliveredEvent(t *testing.T) {
	out := &published{msgs: map[string][]*message.Message{}}
	policy := notifications.NewPolicy(nobody{}, out, user.Channels())
	userID := uuid.New()
	event := func(e domain.Event, stream string) *message.Message {
		_, data, err := codec.Shop().Encode(e)
		if err != nil {
			t.Fatal(err)
		}
		return integration.Encode(eventlog.Record{EventData: eventlog.EventData{ID: uuid.New(), Type: e.EventType(), Data: data,
			Metadata: eventlog.Metadata{CorrelationID: "signup", OccurredAt: time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)}},
			StreamID: stream, Position: eventlog.Position{Commit: 1, Prepare: 1}})
	}
	registered := event(user.Registered{UserID: userID, Email: "anna@example.ru", FirstName: "Анна"}, user.Stream(userID))
	for range 2 {
		if err := policy.Handle(context.Background(), registered.Copy()); err != nil {
			t.Fatal(err)
		}
	}
	sent := out.msgs[notifications.Topic]
	if len(sent) != 2 || sent[0].UUID != sent[1].UUID {
		t.Fatalf("published %d messages for one event delivered twice; want the same message twice", len(sent))
	}
	msg, err := notifications.Decode(sent[0])
	if err != nil {
		t.Fatal(err)
	}
	if msg.ID.String() != sent[0].UUID || msg.Kind != notifications.KindWelcome || msg.UserID != userID || msg.SourceEventID.String() != registered.UUID ||
		sent[0].Metadata.Get(integration.MetaCausationID) != registered.UUID || sent[0].Metadata.Get(integration.MetaCorrelationID) != "signup" ||
		sent[0].Metadata.Get(integration.MetaUserID) != userID.String() { // the partition key on Kafka
		t.Fatalf("message %+v with metadata %v", msg, sent[0].Metadata)
	}
	if err := policy.Handle(context.Background(), message.NewMessage(uuid.NewString(), []byte(`{}`))); err == nil {
		t.Fatal("a message that is no event message was taken")
	}
}

// A notification message says its channels in a header, so a sender that skips it
// need not decode it; a message published before the header is decoded instead.
func TestGoesOutOnReadsTheChannelsHeader(t *testing.T) {
	msg := notifications.Message{ID: uuid.New(), Kind: notifications.KindWelcome, Channels: []string{"inbox", "email"}}
	m, err := notifications.Encode(msg)
	if err != nil {
		t.Fatal(err)
	}
	if m.Metadata.Get(notifications.MetaChannels) != "inbox,email" {
		t.Fatalf("channels header %q", m.Metadata.Get(notifications.MetaChannels))
	}
	for channel, want := range map[string]bool{"inbox": true, "email": true, "sms": false, "mail": false, "": false} {
		if got := notifications.GoesOutOn(m, channel); got != want {
			t.Errorf("goes out on %q: %v, want %v", channel, got, want)
		}
	}
	legacy := message.NewMessage(m.UUID, m.Payload) // no header
	if !notifications.GoesOutOn(legacy, "email") || notifications.GoesOutOn(legacy, "sms") {
		t.Error("a message without the header is not read from its payload")
	}
}
