// Package notifications decides what customers are told, and when: a policy turns
// events into channel-neutral messages on the SendNotify topic, and senders per channel
// (the in-app inbox, email, later SMS) deliver them. Adding a channel is one sender.
package notifications

import (
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain/user"
)

// Topic is where notification messages are published.
//
// WARNING: never change it: messages waiting on the bus (a Kafka topic) under the old
// name would never be sent.
const Topic = "chance.send-notify"

// LegacyTopic is Topic's name before Kafka (only ever in-process): dead letters
// recorded then name it, and are requeued to Topic.
const LegacyTopic = "SendNotify"

// Channels a message can go out on.
const (
	ChannelInbox    = user.ChannelInbox
	ChannelEmail    = user.ChannelEmail
	ChannelSMS      = user.ChannelSMS
	ChannelTelegram = user.ChannelTelegram
)

// Kinds of messages.
const (
	KindWelcome     = "welcome"
	KindFundsAdded  = "funds_added"
	KindWithdrawal  = "withdrawal"
	KindPurchase    = "purchase"
	KindTermChanged = "term_changed"
	KindCancelled   = "cancelled"
	KindRefund      = "refund"
	KindReminder    = "reminder"
	KindExpired     = "expired"
	KindDeclined    = "payment_declined"
)

// Message is one thing to tell a customer, on any channel.
type Message struct {
	ID      uuid.UUID `json:"id"` // derived from the source event: redelivery keeps it
	UserID  uuid.UUID `json:"user_id"`
	Kind    string    `json:"kind"`
	Subject string    `json:"subject"`
	Body    string    `json:"body"`
	// Short is the same message in a line or two, for SMS and Telegram.
	Short         string    `json:"short,omitempty"`
	Channels      []string  `json:"channels"`
	SourceEventID uuid.UUID `json:"source_event_id"`
	CreatedAt     time.Time `json:"created_at"`
}

// messageNamespace derives message ids; WARNING: changing it re-sends nothing but
// breaks deduplication of messages redelivered across the change.
var messageNamespace = uuid.MustParse("2f0e5d7c-91a4-4c3b-8e62-d4b1a9f07c15")

func messageID(event uuid.UUID, kind string) uuid.UUID {
	return uuid.NewSHA1(messageNamespace, []byte(event.String()+"/"+kind))
}

// For reports whether the message goes out on a channel.
func (m Message) For(channel string) bool {
	for _, c := range m.Channels {
		if c == channel {
			return true
		}
	}
	return false
}
