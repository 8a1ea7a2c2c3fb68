package observe_test

import (
	"context"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/google/uuid"

	"github.com/chance-video/chance/infra/bus"
	"github.com/chance-video/chance/infra/observe"
	"github.com/chance-video/chance/notifications"
)

// value is the value of the counter or gauge name with exactly these labels.
func value(t *testing.T, m *observe.Metrics, name string, labels map[string]string) float64 {
	t.Helper()
	families, err := m.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
	next:
		for _, s := range f.GetMetric() {
			if len(s.GetLabel()) != len(labels) {
				continue
			}
			for _, l := range s.GetLabel() {
				if labels[l.GetName()] != l.GetValue() {
					continue next
				}
			}
			if s.GetCounter() != nil {
				return s.GetCounter().GetValue()
			}
			return s.GetGauge().GetValue()
		}
	}
	t.Fatalf("no %s%v", name, labels)
	return 0
}

func notification(t *testing.T, channels ...string) *message.Message {
	t.Helper()
	m, err := notifications.Encode(notifications.Message{ID: uuid.New(), Kind: notifications.KindWelcome, Channels: channels,
		CreatedAt: time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// Counting a sender's message costs a few allocations, not a decoding of its payload
// (which took 11): the channels are read from the message's header.
func TestBusObserverCountsASendersMessageWithoutDecodingIt(t *testing.T) {
	m := observe.NewMetrics()
	m.Channel("chance.send-notify.email", "email")
	now := time.Date(2026, 12, 2, 10, 0, 30, 0, time.UTC)
	o := observe.Bus(m, nil, func() time.Time { return now })
	msg := notification(t, "inbox", "sms", "email")
	msg.Metadata.Set("correlation_id", "signup")
	allocs := testing.AllocsPerRun(100, func() {
		_, end := o.Begin(context.Background(), "chance.send-notify.email", msg)
		end(bus.Handled)
	})
	if allocs > 4 {
		t.Errorf("%v allocations per message", allocs)
	}
	if got := value(t, m, "chance_notification_messages_total", map[string]string{"channel": "email", "outcome": "sent"}); got != 101 {
		t.Errorf("email sent %v, want 101", got)
	}
}

// A sender's messages count for its channel: sent when handled, each failed attempt,
// dead-lettered when given up; a message not for the channel does not count; the
// handler's lag is the age of the message it took, on the shop's clock.
func TestBusObserverCountsAChannelsMessages(t *testing.T) {
	m := observe.NewMetrics()
	m.Channel("chance.send-notify.email", "email")
	now := time.Date(2026, 12, 2, 10, 0, 30, 0, time.UTC)
	o := observe.Bus(m, nil, func() time.Time { return now })
	take := func(msg *message.Message, outcome bus.Outcome, failures int) {
		_, end := o.Begin(context.Background(), "chance.send-notify.email", msg)
		for range failures {
			o.AttemptFailed("chance.send-notify.email", msg)
		}
		end(outcome)
	}
	take(notification(t, "inbox", "email"), bus.Handled, 0)
	take(notification(t, "inbox"), bus.Handled, 0) // not for email: skipped by the sender
	take(notification(t, "inbox"), bus.Handled, 2) // not for email: the sender's failures count for the handler only
	take(notification(t, "email"), bus.DeadLettered, 3)

	email := func(outcome string) float64 {
		return value(t, m, "chance_notification_messages_total", map[string]string{"channel": "email", "outcome": outcome})
	}
	if email("sent") != 1 || email("failed") != 3 || email("dead_lettered") != 1 {
		t.Errorf("email sent %v, failed %v, dead-lettered %v", email("sent"), email("failed"), email("dead_lettered"))
	}
	if got := value(t, m, "chance_bus_messages_total", map[string]string{"handler": "chance.send-notify.email", "outcome": "handled"}); got != 3 {
		t.Errorf("handled %v", got)
	}
	if got := value(t, m, "chance_bus_attempt_failures_total", map[string]string{"handler": "chance.send-notify.email"}); got != 5 {
		t.Errorf("attempt failures %v", got)
	}
	if got := value(t, m, "chance_bus_consumer_lag_seconds", map[string]string{"handler": "chance.send-notify.email"}); got != 30 {
		t.Errorf("lag %v s, want 30", got)
	}
}

// A handler's lag is measured when Prometheus scrapes: it grows while a message stays
// in hand, and falls to 0 once the handler has had nothing in hand for a second — it
// does not keep the age of the last message of a backlog for ever.
func TestBusConsumerLagFallsToZeroWhenCaughtUp(t *testing.T) {
	m := observe.NewMetrics()
	now := time.Date(2026, 12, 2, 10, 0, 30, 0, time.UTC)
	o := observe.Bus(m, nil, func() time.Time { return now })
	lag := func() float64 {
		return value(t, m, "chance_bus_consumer_lag_seconds", map[string]string{"handler": "chance.send-notify.email"})
	}
	_, end := o.Begin(context.Background(), "chance.send-notify.email", notification(t, "email")) // occurred at 10:00:00
	if got := lag(); got != 30 {
		t.Errorf("lag on taking it %v s, want 30", got)
	}
	now = now.Add(10 * time.Second)
	if got := lag(); got != 40 {
		t.Errorf("lag with it in hand 10 s later %v s, want 40", got)
	}
	end(bus.Handled)
	now = now.Add(500 * time.Millisecond)
	if got := lag(); got != 40.5 {
		t.Errorf("lag just after %v s, want 40.5 (not idle for a second yet)", got)
	}
	now = now.Add(500 * time.Millisecond)
	if got := lag(); got != 0 {
		t.Errorf("lag once idle for a second %v s, want 0", got)
	}
	if got := value(t, m, "chance_bus_last_message_timestamp_seconds", map[string]string{"handler": "chance.send-notify.email"}); got != float64(time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC).Unix()) {
		t.Errorf("last message at %v", got)
	}
}
