package app

import (
	"github.com/chance-video/chance/infra/bus"
	"github.com/chance-video/chance/infra/observe"
	"github.com/chance-video/chance/infra/senders"
	"github.com/chance-video/chance/integration"
	"github.com/chance-video/chance/notifications"
)

// channelOfSender names the channel each sender's bus handler sends on, for the
// notification metrics.
var channelOfSender = map[string]string{
	senders.InboxHandler:    notifications.ChannelInbox,
	senders.EmailHandler:    notifications.ChannelEmail,
	senders.SMSHandler:      notifications.ChannelSMS,
	senders.TelegramHandler: notifications.ChannelTelegram,
}

// observeUseCases adds the metrics (and the tracer) to the use-case hooks.
func (a *App) observeUseCases() {
	a.Hooks.Metrics = a.Metrics.UseCases()
}

// commandStore is the event store as the commands see it: measured (and traced).
func (a *App) commandStore() observe.EventStore {
	return observe.Events(a.Events, a.Metrics, a.Tracing)
}

// watchFollowers reports the projections' and the forwarder's positions and lag.
func (a *App) watchFollowers() {
	a.Metrics.WatchFollowers(a.Events, a.Clock.Now,
		observe.Followers{Kind: "projection", Names: a.Runner.Names, Reached: a.Runner.Progress().Reached},
		observe.Followers{Kind: "forwarder", Names: func() []string { return []string{integration.ForwarderName} }, Reached: a.Delivery.Reached})
	for handler, channel := range channelOfSender {
		a.Metrics.Channel(handler, channel)
	}
}

// busObserver sees every message the router's handlers take.
func (a *App) busObserver() bus.Observer { return observe.Bus(a.Metrics, a.Tracing, a.Clock.Now) }
