package senders_test

import (
	"context"
	"testing"
	"time"

	"github.com/chance-video/chance/infra/senders"
	"github.com/chance-video/chance/notifications"
)

// Sent records are kept SentRetention, then forgotten as later messages are sent, so
// the table stays bounded without a loop of its own.
func TestSentRecordsArePruned(t *testing.T) {
	p := newPipeline(t)
	send := func(context.Context, notifications.Message) error { return nil }
	p.run(senders.SMSHandler, p.once.Handler(notifications.ChannelSMS, send))
	old := message1(notifications.ChannelSMS)
	p.publish(old)
	p.clock.Advance(senders.SentRetention - time.Minute)
	p.publish(message1(notifications.ChannelSMS))
	if !p.sent(notifications.ChannelSMS, old.ID) {
		t.Fatal("a record younger than SentRetention was forgotten")
	}
	p.clock.Advance(2 * time.Hour)
	recent := message1(notifications.ChannelSMS)
	p.publish(recent)
	if p.sent(notifications.ChannelSMS, old.ID) || !p.sent(notifications.ChannelSMS, recent.ID) {
		t.Fatal("the record older than SentRetention was kept, or the new one lost")
	}
}
