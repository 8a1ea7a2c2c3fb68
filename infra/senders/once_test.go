package senders_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/infra/bus"
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
	p.publish(messageNow(p, notifications.ChannelSMS))
	if !p.sent(notifications.ChannelSMS, old.ID) {
		t.Fatal("a record younger than SentRetention was forgotten")
	}
	p.clock.Advance(2 * time.Hour)
	recent := messageNow(p, notifications.ChannelSMS)
	p.publish(recent)
	if p.sent(notifications.ChannelSMS, old.ID) || !p.sent(notifications.ChannelSMS, recent.ID) {
		t.Fatal("the record older than SentRetention was kept, or the new one lost")
	}
}

// messageNow is message1 composed at the pipeline's time now.
func messageNow(p *pipeline, channel string) notifications.Message {
	msg := message1(channel)
	msg.CreatedAt = p.clock.Now()
	return msg
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

// A message older than MaxSendAge (a replay of the log, a channel turned on again
// after months) is acked without being sent; a dead letter an admin requeues is sent
// whatever its age.
func TestStaleMessagesAreNotSent(t *testing.T) {
	p := newPipeline(t)
	send, sends := countingSend()
	p.run(senders.SMSHandler, p.once.Handler(notifications.ChannelSMS, send))
	now := p.clock.Now()

	fresh := message1(notifications.ChannelSMS)
	fresh.CreatedAt = now.Add(-senders.MaxSendAge + time.Minute)
	stale := message1(notifications.ChannelSMS)
	stale.CreatedAt = now.Add(-senders.MaxSendAge - time.Minute)
	p.publish(fresh)
	p.publish(stale)
	if sends(fresh.ID) != 1 || sends(stale.ID) != 0 || p.sent(notifications.ChannelSMS, stale.ID) || len(p.deadLetters()) != 0 {
		t.Fatalf("sent fresh %d, stale %d times (recorded %v), %d dead letters; want 1, 0, not recorded, none",
			sends(fresh.ID), sends(stale.ID), p.sent(notifications.ChannelSMS, stale.ID), len(p.deadLetters()))
	}

	p.publishWith(stale, map[string]string{bus.MetaRequeuedFor: senders.SMSHandler})
	if sends(stale.ID) != 1 || !p.sent(notifications.ChannelSMS, stale.ID) {
		t.Fatalf("a requeued old dead letter was sent %d times, want once", sends(stale.ID))
	}
}

// The invariant MaxSendAge < SentRetention: a message sent once is never sent again
// by a replay of the log, however late, while sent records are pruned meanwhile.
func TestReplayNeverSendsASentMessageAgain(t *testing.T) {
	if senders.MaxSendAge >= senders.SentRetention {
		t.Fatalf("MaxSendAge %s must stay below SentRetention %s", senders.MaxSendAge, senders.SentRetention)
	}
	p := newPipeline(t)
	send, sends := countingSend()
	p.run(senders.SMSHandler, p.once.Handler(notifications.ChannelSMS, send))
	msg := message1(notifications.ChannelSMS)
	msg.CreatedAt = p.clock.Now()
	p.clock.Advance(senders.MaxSendAge - time.Hour) // sent as late as it may be
	p.publish(msg)
	for day := 0; day < 60; day++ {
		p.clock.Advance(24 * time.Hour)
		p.publish(messageNow(p, notifications.ChannelSMS)) // today's messages, which prune old records
		p.publish(msg)                                     // the replay
		if n := sends(msg.ID); n != 1 {
			t.Fatalf("day %d after the send: sent %d times", day+1, n)
		}
	}
}
