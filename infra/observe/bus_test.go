package observe_test

import (
	"context"
	"encoding/json"
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
	payload, err := json.Marshal(notifications.Message{ID: uuid.New(), Kind: notifications.KindWelcome, Channels: channels})
	if err != nil {
		t.Fatal(err)
	}
	m := message.NewMessage(uuid.NewString(), payload)
	m.Metadata.Set("occurred_at", "2026-12-02T10:00:00Z")
	return m
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
			o.AttemptFailed("chance.send-notify.email")
		}
		end(outcome)
	}
	take(notification(t, "inbox", "email"), bus.Handled, 0)
	take(notification(t, "inbox"), bus.Handled, 0) // not for email: skipped by the sender
	take(notification(t, "email"), bus.DeadLettered, 3)

	email := func(outcome string) float64 {
		return value(t, m, "chance_notification_messages_total", map[string]string{"channel": "email", "outcome": outcome})
	}
	if email("sent") != 1 || email("failed") != 3 || email("dead_lettered") != 1 {
		t.Errorf("email sent %v, failed %v, dead-lettered %v", email("sent"), email("failed"), email("dead_lettered"))
	}
	if got := value(t, m, "chance_bus_messages_total", map[string]string{"handler": "chance.send-notify.email", "outcome": "handled"}); got != 2 {
		t.Errorf("handled %v", got)
	}
	if got := value(t, m, "chance_bus_attempt_failures_total", map[string]string{"handler": "chance.send-notify.email"}); got != 3 {
		t.Errorf("attempt failures %v", got)
	}
	if got := value(t, m, "chance_bus_consumer_lag_seconds", map[string]string{"handler": "chance.send-notify.email"}); got != 30 {
		t.Errorf("lag %v s, want 30", got)
	}
}
