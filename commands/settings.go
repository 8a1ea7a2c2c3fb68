package commands

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain"
	"github.com/chance-video/chance/domain/user"
	"github.com/chance-video/chance/eventlog"
)

// NotificationSettings is a change of where a customer is told things; a nil field
// keeps what the customer has (see user.ChangeNotificationSettings).
type NotificationSettings struct {
	Channels       []string
	Phone          *string
	TelegramChatID *string
}

// WithChannels sets the notification channels this shop is set up to send on; the
// inbox is always among them. Without it a shop offers the inbox and email, which the
// embedded setup always has (email as .eml files).
func WithChannels(channels ...string) Option {
	return func(s *Service) { s.channels = offered(channels) }
}

// offered is a shop's channel list with the inbox on, in the canonical order.
func offered(channels []string) []string {
	out := []string{}
	for _, c := range user.Channels() {
		if c == user.ChannelInbox || slices.Contains(channels, c) {
			out = append(out, c)
		}
	}
	return out
}

// Channels are the notification channels this shop offers.
func (s *Service) Channels() []string { return slices.Clone(s.channels) }

// ChangeNotificationSettings records a customer's choice of notification channels and
// their addresses. A channel this shop does not send on is refused (ErrUnprocessable)
// before anything is decided; every other rule is the user's.
func (s *Service) ChangeNotificationSettings(ctx context.Context, id uuid.UUID, in NotificationSettings, req Request) (user.State, eventlog.Position, error) {
	if err := s.offers(in.Channels); err != nil {
		return user.State{}, eventlog.Start, err
	}
	cmd := user.ChangeNotificationSettings{Channels: in.Channels, Phone: in.Phone, TelegramChatID: in.TelegramChatID, Now: s.clock.Now()}
	out, err := execute(ctx, s, user.Decider, user.Stream(id), user.Command(cmd), req)
	return out.State, out.Position, err
}

// offers refuses a choice of known channels that this shop does not send on. A choice
// with a channel nobody knows is left to the user's rules, which answer it as bad
// input: that says more than "not offered".
func (s *Service) offers(chosen []string) error {
	var missing []string
	for _, c := range chosen {
		if !user.KnownChannel(c) {
			return nil
		}
		if !slices.Contains(s.channels, c) && !slices.Contains(missing, c) {
			missing = append(missing, c)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	return &ChannelNotOffered{Missing: missing, Offered: s.channels}
}

// ChannelNotOffered: the customer chose a notification channel this shop is not set
// up to send on. It is unprocessable (domain.ErrUnprocessable), not invalid input.
type ChannelNotOffered struct {
	Missing []string // the chosen channels the shop does not send on
	Offered []string // the channels it does send on
}

func (e *ChannelNotOffered) Error() string {
	return fmt.Sprintf("this shop does not send notifications by %s; choose among %s",
		strings.Join(e.Missing, ", "), strings.Join(e.Offered, ", "))
}

func (e *ChannelNotOffered) Unwrap() error { return domain.ErrUnprocessable }
