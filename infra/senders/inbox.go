// Package senders holds the channel senders of notification messages: the in-app
// inbox, email (.eml files on the embedded default; SMTP when configured), SMS through
// an HTTP gateway and Telegram through the Bot API. Each sender to the outside world
// sends a message once (see Once).
package senders

import (
	"context"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/chance-video/chance/notifications"
	"github.com/chance-video/chance/queries"
	"github.com/chance-video/chance/readmodel"
)

// Inbox delivers messages to the in-app inbox.
func Inbox(store queries.Inbox) func(ctx context.Context, m *message.Message) error {
	return func(ctx context.Context, m *message.Message) error {
		msg, err := notifications.Decode(m)
		if err != nil || !msg.For(notifications.ChannelInbox) {
			return err
		}
		return store.AddNotification(ctx, readmodel.Notification{ID: msg.ID, UserID: msg.UserID, Kind: msg.Kind,
			Channel: notifications.ChannelInbox, Subject: msg.Subject, Body: msg.Body, CreatedAt: msg.CreatedAt})
	}
}
