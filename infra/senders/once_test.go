package senders_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/infra/readstore/readsqlite"
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

// failingRecords is the real read store whose MarkSent fails the first failures
// times (all of them if negative), as a busy or briefly unreachable store does.
type failingRecords struct {
	*readsqlite.Store
	mu       sync.Mutex
	failures int
	tries    int
}

func (f *failingRecords) MarkSent(ctx context.Context, channel string, id uuid.UUID, at time.Time) error {
	f.mu.Lock()
	f.tries++
	fail := f.failures != 0
	if f.failures > 0 {
		f.failures--
	}
	f.mu.Unlock()
	if fail {
		return errors.New("database is locked")
	}
	return f.Store.MarkSent(ctx, channel, id, at)
}

func (f *failingRecords) triesSoFar() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.tries
}

// countingSend sends nothing and counts the sends of each message.
func countingSend() (send func(context.Context, notifications.Message) error, sends func(uuid.UUID) int) {
	var mu sync.Mutex
	count := map[uuid.UUID]int{}
	return func(_ context.Context, msg notifications.Message) error {
			mu.Lock()
			defer mu.Unlock()
			count[msg.ID]++
			return nil
		}, func(id uuid.UUID) int {
			mu.Lock()
			defer mu.Unlock()
			return count[id]
		}
}

// A send that the store fails to record at first is recorded by a retry in place,
// not by asking for the message again: that would send it a second time.
func TestFailedRecordOfASendDoesNotSendAgain(t *testing.T) {
	p := newPipeline(t)
	records := &failingRecords{Store: p.store, failures: 1}
	w := &waits{}
	p.once = &senders.Once{Records: records, Now: p.clock.Now, Log: quiet, Wait: w.wait}
	send, sends := countingSend()
	p.run(senders.SMSHandler, p.once.Handler(notifications.ChannelSMS, send))
	msg := message1(notifications.ChannelSMS)
	p.publish(msg)
	if sends(msg.ID) != 1 || !p.sent(notifications.ChannelSMS, msg.ID) || len(p.deadLetters()) != 0 {
		t.Fatalf("sent %d times, recorded %v, %d dead letters; want once, recorded, none",
			sends(msg.ID), p.sent(notifications.ChannelSMS, msg.ID), len(p.deadLetters()))
	}
	if got := w.seen(); len(got) != 1 {
		t.Fatalf("paused %v before recording again, want one pause", got)
	}
}

// A store that keeps refusing the record: tried for a bounded time, then the message
// is acked (logged as an error), never sent again nor dead-lettered.
func TestUnrecordableSendIsAckedAfterBoundedTries(t *testing.T) {
	p := newPipeline(t)
	records := &failingRecords{Store: p.store, failures: -1}
	w := &waits{}
	p.once = &senders.Once{Records: records, Now: p.clock.Now, Log: quiet, Wait: w.wait}
	send, sends := countingSend()
	p.run(senders.SMSHandler, p.once.Handler(notifications.ChannelSMS, send))
	msg := message1(notifications.ChannelSMS)
	p.publish(msg)
	if sends(msg.ID) != 1 || len(p.deadLetters()) != 0 {
		t.Fatalf("sent %d times, %d dead letters; want once, none", sends(msg.ID), len(p.deadLetters()))
	}
	var total time.Duration
	for _, d := range w.seen() {
		total += d
	}
	if tries := records.triesSoFar(); tries < 3 || total > 10*time.Second {
		t.Fatalf("%d tries with pauses of %s in all; want a few, within 10 s", tries, total)
	}
}

// The router stops (its context is cancelled) while a message is being sent: the
// send is still recorded, so the message is not sent again after a restart.
func TestSendIsRecordedWhileStopping(t *testing.T) {
	p := newPipeline(t)
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	msg := message1(notifications.ChannelSMS)
	handle := p.once.Handler(notifications.ChannelSMS, func(context.Context, notifications.Message) error {
		stop() // the router stops while the gateway answers
		return nil
	})
	wm, err := notifications.Encode(msg)
	if err != nil {
		t.Fatal(err)
	}
	if err := handle(ctx, wm); err != nil {
		t.Fatalf("handled with %v: the sent message would be delivered (and sent) again", err)
	}
	if !p.sent(notifications.ChannelSMS, msg.ID) {
		t.Fatal("the send is not recorded")
	}
}
