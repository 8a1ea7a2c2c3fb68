package app

import (
	"context"
	"fmt"

	"golang.org/x/sync/errgroup"

	"github.com/chance-video/chance/eventlog"
	"github.com/chance-video/chance/infra/bus"
	"github.com/chance-video/chance/infra/checkpoints"
	"github.com/chance-video/chance/infra/senders"
	"github.com/chance-video/chance/notifications"
	"github.com/chance-video/chance/projections"
)

// Sender is one consumer of the notifications topic: a channel's sender under its
// bus name (a notify.*Handler constant).
type Sender struct {
	Name   string
	Handle bus.Handler
}

// senders are the configured channels' senders, each a consumer of its own so that
// one channel's outage never holds back another: the in-app inbox always; email over
// SMTP when CHANCE_SMTP_URL is set, else as .eml files; sms and telegram when their
// settings are given.
func (a *App) senders() ([]Sender, error) {
	composer, err := senders.NewComposer(a.Config.MailFrom, a.Commands.Lookup())
	if err != nil {
		return nil, err
	}
	once := &senders.Once{Records: a.Reads, Now: a.Clock.Now, Log: a.Log}
	out := []Sender{{Name: senders.InboxHandler, Handle: senders.Inbox(a.Reads)}}
	if a.Config.SMTPURL != "" {
		smtp, err := senders.NewSMTP(a.Config.SMTPURL, composer)
		if err != nil {
			return nil, err
		}
		out = append(out, Sender{Name: senders.EmailHandler, Handle: smtp.Handler(once)})
	} else {
		out = append(out, Sender{Name: senders.EmailHandler, Handle: senders.EmailFiles(a.Config.MailDir(), composer)})
	}
	if a.Config.SMSGatewayURL != "" {
		sms := &senders.SMS{GatewayURL: a.Config.SMSGatewayURL, Token: a.Config.SMSGatewayToken, Recipients: a.Commands.Lookup()}
		out = append(out, Sender{Name: senders.SMSHandler, Handle: sms.Handler(once)})
	}
	if a.Config.TelegramBotToken != "" {
		tg := &senders.Telegram{APIURL: a.Config.TelegramAPIURL, Token: a.Config.TelegramBotToken, Recipients: a.Commands.Lookup()}
		out = append(out, Sender{Name: senders.TelegramHandler, Handle: tg.Handler(once)})
	}
	return out, nil
}

// openMessaging prepares what follows the log for notifications: the notifier, with
// a progress of its own (queries never wait for it), and the dead-letter desk.
func (a *App) openMessaging() (err error) {
	a.Delivery = projections.NewProgress(notifications.Name)
	a.Notifier = &notifications.Notifier{Log: a.Events, Lookup: a.Commands.Lookup(), Publisher: a.Bus,
		Checkpoints: checkpoints.Files{Dir: a.Config.CheckpointDir()}, Progress: a.Delivery}
	if a.Senders, err = a.senders(); err != nil {
		return err
	}
	a.DeadLetters = bus.DeadLetters{Store: a.Reads, Publisher: a.Bus, Now: a.Clock.Now,
		Renamed: map[string]string{notifications.LegacyTopic: notifications.Topic}}
	return nil
}

// runMessaging starts the bus router (every sender in a subscription of its own, with
// bounded retries and dead letters; the dead-letter recorder) and, once every consumer
// listens, the notifier.
func (a *App) runMessaging(ctx context.Context, g *errgroup.Group) error {
	router, err := bus.NewRouter(bus.RouterConfig{
		Retry:       bus.Retry{Attempts: a.Config.DeliveryAttempts, FirstPause: a.Config.DeliveryRetryFirst, MaxPause: a.Config.DeliveryRetryMax},
		PoisonTopic: notifications.PoisonTopic, Now: a.Clock.Now, Log: a.Log,
	}, a.Bus, bus.Shared(a.Bus))
	if err != nil {
		return err
	}
	for _, s := range a.Senders {
		if err := router.Deliver(s.Name, notifications.Topic, s.Handle); err != nil {
			return err
		}
	}
	if err := router.Keep(senders.DeadLetterHandler, notifications.PoisonTopic, bus.RecordDeadLetters(a.Reads, a.Clock.Now)); err != nil {
		return err
	}
	g.Go(func() error { return router.Run(ctx) })
	// Consumers subscribe before the notifier publishes, so no message finds no one.
	select {
	case <-router.Running():
	case <-ctx.Done():
		return nil
	}
	g.Go(func() error { return a.Notifier.Run(ctx) })
	return nil
}

// Delivered waits until the notifier has published the messages of every event up to
// pos. On the in-process bus a publish returns once every sender has handled the
// message or dead-lettered it, so the inbox then has them (tests wait on this).
func (a *App) Delivered(ctx context.Context, pos eventlog.Position) error {
	if err := a.Delivery.Wait(ctx, pos); err != nil {
		return fmt.Errorf("notifier behind %s: %w", pos, err)
	}
	return nil
}
