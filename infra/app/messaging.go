package app

import (
	"context"
	"fmt"

	"github.com/ThreeDotsLabs/watermill/message"
	"golang.org/x/sync/errgroup"

	"github.com/chance-video/chance/eventlog"
	"github.com/chance-video/chance/infra/bus"
	"github.com/chance-video/chance/infra/checkpoints"
	"github.com/chance-video/chance/infra/config"
	"github.com/chance-video/chance/infra/senders"
	"github.com/chance-video/chance/integration"
	"github.com/chance-video/chance/notifications"
	"github.com/chance-video/chance/projections"
	"github.com/chance-video/chance/readmodel/ledger"
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

// openMessaging prepares the message flow: the forwarder that publishes the log on the
// event topics (with a progress of its own: queries never wait for it), the
// notification policy consuming them, the senders, the billing history's consumer when
// it is fed from the bus, and the dead-letter desk.
func (a *App) openMessaging() (err error) {
	a.Delivery = projections.NewProgress(integration.ForwarderName)
	a.Forwarder = &integration.Forwarder{Log: a.Events, Publisher: a.forwardingPublisher(), Checkpoints: a.followerCheckpoints(),
		Progress: a.Delivery, Logger: a.Log,
		// While the bus refuses, the forwarder pauses as a consumer does between retries,
		// so it resumes within CHANCE_DELIVERY_RETRY_MAX of the broker's return.
		Pauses: integration.Pauses{First: a.Config.DeliveryRetryFirst, Max: a.Config.DeliveryRetryMax}}
	a.Policy = notifications.NewPolicy(a.Commands.Lookup(), a.Tracing.Publisher(a.Bus), a.Config.Channels())
	if a.Senders, err = a.senders(); err != nil {
		return err
	}
	if a.Config.FeedsBillingFromBus() {
		a.Billing = ledger.NewFeed(a.Reads, a.Log)
		a.billingCaughtUp = make(chan struct{})
	}
	a.DeadLetters = bus.DeadLetters{Store: a.Reads, Publisher: a.Bus, Now: a.Clock.Now,
		Renamed: map[string]string{notifications.LegacyTopic: notifications.Topic}}
	return nil
}

// consumedTopics are the event topics this process consumes.
func (a *App) consumedTopics() map[string]bool {
	topics := map[string]bool{}
	for _, s := range notifications.Subscriptions() {
		topics[s.Topic] = true
	}
	if a.Config.FeedsBillingFromBus() {
		topics[integration.TopicAccounts] = true
	}
	return topics
}

// forwardingPublisher is where the forwarder publishes: the bus itself on Kafka (other
// processes may consume any topic); on the in-process bus only the topics consumed
// here, as a message no one subscribed to is dropped anyway (with a log line each).
func (a *App) forwardingPublisher() message.Publisher {
	if a.Config.Bus == config.Kafka {
		return a.Bus
	}
	return consumedOnly{Publisher: a.Bus, topics: a.consumedTopics()}
}

// consumedOnly drops messages of topics no one consumes in this process.
type consumedOnly struct {
	message.Publisher
	topics map[string]bool
}

func (c consumedOnly) Publish(topic string, msgs ...*message.Message) error {
	if !c.topics[topic] {
		return nil
	}
	return c.Publisher.Publish(topic, msgs...)
}

// runMessaging starts the bus router with the consumers of this process's roles (each
// in a subscription of its own, with bounded retries and dead letters): the senders
// and the dead-letter recorder (senders), the notification policy's handlers and the
// billing history's when it is fed from the bus (notifier); then, once every consumer
// listens, the forwarder (forwarder, while this process holds its lease).
func (a *App) runMessaging(ctx context.Context, g *errgroup.Group) error {
	cfg := a.Config
	if !cfg.Has(config.RoleSenders) && !cfg.Has(config.RoleNotifier) {
		if cfg.Has(config.RoleForwarder) {
			a.runForwarder(ctx, g)
		}
		return nil
	}
	router, err := bus.NewRouter(bus.RouterConfig{
		Retry:       bus.Retry{Attempts: cfg.DeliveryAttempts, FirstPause: cfg.DeliveryRetryFirst, MaxPause: cfg.DeliveryRetryMax},
		PoisonTopic: notifications.PoisonTopic, Now: a.Clock.Now, Log: a.Log, Observer: a.busObserver(),
	}, a.Bus, a.Subscribers)
	if err != nil {
		return err
	}
	if cfg.Has(config.RoleSenders) {
		for _, s := range a.Senders {
			if err := router.Deliver(s.Name, notifications.Topic, s.Handle); err != nil {
				return err
			}
		}
		if err := router.Keep(senders.DeadLetterHandler, notifications.PoisonTopic, bus.RecordDeadLetters(a.Reads, a.Clock.Now)); err != nil {
			return err
		}
	}
	if cfg.Has(config.RoleNotifier) {
		for _, s := range notifications.Subscriptions() {
			if err := router.Deliver(s.Name, s.Topic, a.Policy.Handle); err != nil {
				return err
			}
		}
		if a.Billing != nil {
			if err := router.Deliver(ledger.FeedHandler, integration.TopicAccounts, a.Billing.Handle); err != nil {
				return err
			}
		}
	}
	g.Go(func() error { return router.Run(ctx) })
	// Consumers subscribe before the forwarder publishes, so no message finds no one.
	select {
	case <-router.Running():
	case <-ctx.Done():
		return nil
	}
	if cfg.Has(config.RoleForwarder) {
		a.runForwarder(ctx, g)
	}
	return nil
}

// notifierCheckpoint named the checkpoint of the notifier that followed the log before
// the forwarder and the policy replaced it.
const notifierCheckpoint = "notifier_v1"

// takeOverFromNotifier starts the forwarder where the notifier it replaces stopped, in
// a data folder the notifier ran in: otherwise the first start would compose every
// message of the log again (deduplicated by the inbox, but not by every channel).
func takeOverFromNotifier(ctx context.Context, saved checkpoints.Stored) error {
	if at, err := saved.Load(ctx, integration.ForwarderName); err != nil || !at.IsStart() {
		return err
	}
	at, err := saved.Load(ctx, notifierCheckpoint)
	if err != nil || at.IsStart() {
		return err
	}
	return saved.Save(ctx, integration.ForwarderName, at)
}

// Delivered waits until the forwarder has published every event up to pos. On the
// in-process bus a publish returns once every consumer has handled the message or
// dead-lettered it, and the policy publishes an event's notifications while handling
// it, so the senders have then handled them too: the inbox has them (tests wait on
// this). On Kafka it means only that the broker has the events.
func (a *App) Delivered(ctx context.Context, pos eventlog.Position) error {
	if err := a.Delivery.Wait(ctx, pos); err != nil {
		return fmt.Errorf("forwarder behind %s: %w", pos, err)
	}
	return nil
}
