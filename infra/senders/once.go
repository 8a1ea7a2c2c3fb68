package senders

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/google/uuid"

	"github.com/chance-video/chance/infra/bus"
	"github.com/chance-video/chance/notifications"
)

// SentRetention is how long a sent record is kept: longer than a message can be
// redelivered (a Kafka topic keeps messages 7 days by default; a dead letter is
// requeued within days), and than MaxSendAge, past which a message is not sent.
const SentRetention = 30 * 24 * time.Hour

// MaxSendAge is the age past which a message is not sent to the outside world: a
// forwarder replaying the log, or a channel's consumer group turned on again after
// months, must not text customers about last year's purchases. A dead letter requeued
// by an admin is sent whatever its age: someone chose to.
//
// WARNING: keep it well below SentRetention. A message is sent at or after its
// creation and its record is kept SentRetention after the send, so while MaxSendAge <
// SentRetention a message young enough to be sent still has its record if it was
// sent: a replay of the log can never send a message twice.
const MaxSendAge = 7 * 24 * time.Hour

// pruneEvery is how often a sender forgets records older than SentRetention: one
// DELETE an hour, on the path of a send, so no loop of its own is needed.
const pruneEvery = time.Hour

// markSentFor bounds the retries of recording a send: a message already sent is never
// asked for again (that would send it again), so a record that fails is retried in
// place, even while the router stops, and then given up with an error in the log.
const markSentFor = 10 * time.Second

// markSentFirstPause is the pause after the first failed record; each next one doubles.
const markSentFirstPause = 100 * time.Millisecond

// Once makes a channel's sender idempotent: it skips a message the channel has
// already sent (and one older than MaxSendAge), and records each message it sends before acking it. A crash between
// the send and the ack therefore gives one message; only a crash between the send and
// the record, or a store that refuses the record for markSentFor, can give two (the
// outside world offers nothing to tie a send to a record atomically).
type Once struct {
	Records SentRecords
	Now     func() time.Time // the injected clock
	Log     *slog.Logger
	// Wait pauses between tries of recording a send; nil: a timer. Tests record.
	Wait Wait

	mu         sync.Mutex
	lastPruned time.Time
}

// sendFunc delivers one message on a channel; it must honour ctx's deadline. It
// returns errNoAddress when the customer has no address on the channel.
type sendFunc func(ctx context.Context, msg notifications.Message) error

// errNoAddress: the customer has no address on the channel (no phone for sms, no chat
// for telegram). The preferences refuse such a choice, so this is a message from
// before an address was removed: nothing to send, and retrying cannot help.
var errNoAddress = errors.New("no address on this channel")

// Handler consumes notifications.Topic for channel: each message meant for it is sent
// once with send. An error (from the store before the send, or from send) asks for
// the message again; once the message is sent, no error does.
func (o *Once) Handler(channel string, send sendFunc) func(ctx context.Context, m *message.Message) error {
	return func(ctx context.Context, m *message.Message) error {
		msg, err := notifications.Decode(m)
		if err != nil || !msg.For(channel) {
			return err
		}
		if age := o.Now().Sub(msg.CreatedAt); age > MaxSendAge && m.Metadata.Get(bus.MetaRequeuedFor) == "" {
			o.Log.Warn("message not sent: older than the longest a message waits to be sent", "channel", channel,
				"message_id", msg.ID, "created_at", msg.CreatedAt, "age", age.Round(time.Second), "max_age", MaxSendAge)
			return nil
		}
		if x, ok := o.Records.(ExclusiveSends); ok {
			// Another process may be sending this very message: check, send and record
			// while holding it, so that process's record is seen here.
			return x.Exclusively(ctx, channel, msg.ID, func(ctx context.Context) error { return o.sendOnce(ctx, channel, msg, send) })
		}
		return o.sendOnce(ctx, channel, msg, send)
	}
}

// sendOnce sends msg on channel unless its record says it was sent, and records the send.
func (o *Once) sendOnce(ctx context.Context, channel string, msg notifications.Message, send sendFunc) error {
	sent, err := o.Records.Sent(ctx, channel, msg.ID)
	if err != nil {
		return err
	}
	if sent {
		o.Log.Debug("message already sent", "channel", channel, "message_id", msg.ID)
		return nil
	}
	err = send(ctx, msg)
	if errors.Is(err, errNoAddress) {
		o.Log.Warn("message not sent: the customer has no address on the channel", "channel", channel,
			"message_id", msg.ID, "user_id", msg.UserID)
		return nil
	}
	if err != nil {
		return fmt.Errorf("%s %s: %w", channel, msg.ID, err)
	}
	now := o.Now()
	if err := o.markSent(ctx, channel, msg.ID, now); err != nil {
		// Asking for the message again would send it again: ack it, and say so.
		o.Log.Error("message sent but not recorded as sent: a redelivery of it would be sent again",
			"channel", channel, "message_id", msg.ID, "error", err)
		return nil
	}
	o.prune(ctx, now)
	return nil
}

// markSent records a send, retrying with doubling pauses that add up to at most
// markSentFor, all of it within markSentFor. It goes on when ctx is cancelled (the
// router stopping): the message has gone out.
func (o *Once) markSent(ctx context.Context, channel string, id uuid.UUID, at time.Time) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), markSentFor)
	defer cancel()
	var waited time.Duration
	for pause := markSentFirstPause; ; pause *= 2 {
		err := o.Records.MarkSent(ctx, channel, id, at)
		if err == nil {
			return nil
		}
		if waited+pause > markSentFor {
			return fmt.Errorf("record %s sent on %s: %w", id, channel, err)
		}
		o.Log.Warn("recording a sent message failed; retrying", "channel", channel, "message_id", id, "error", err)
		if werr := sleep(ctx, pause, o.Wait); werr != nil {
			return fmt.Errorf("record %s sent on %s: %w (gave up: %v)", id, channel, err, werr)
		}
		waited += pause
	}
}

// prune forgets old records at most once per pruneEvery; a failure only waits for
// the next time.
func (o *Once) prune(ctx context.Context, now time.Time) {
	o.mu.Lock()
	if now.Sub(o.lastPruned) < pruneEvery {
		o.mu.Unlock()
		return
	}
	o.lastPruned = now
	o.mu.Unlock()
	n, err := o.Records.PruneSent(ctx, now.Add(-SentRetention))
	if err != nil {
		o.Log.Warn("sent records not pruned", "error", err)
		return
	}
	if n > 0 {
		o.Log.Info("sent records pruned", "forgotten", n)
	}
}
