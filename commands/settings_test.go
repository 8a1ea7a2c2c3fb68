package commands_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/chance-video/chance/commands"
	"github.com/chance-video/chance/domain"
	"github.com/chance-video/chance/domain/user"
)

func phone(p string) *string { return &p }

func TestNotificationSettingsFollowTheShopsChannels(t *testing.T) {
	sh := newShop(t) // the embedded default: inbox and email
	id := sh.customer()
	if got := sh.svc.Channels(); !slices.Equal(got, []string{"inbox", "email"}) {
		t.Fatalf("default channels %v", got)
	}
	u, pos, err := sh.svc.ChangeNotificationSettings(sh.ctx, id, commands.NotificationSettings{Channels: []string{"inbox"}}, commands.Request{})
	if err != nil || pos.IsStart() || !slices.Equal(u.NotificationChannels(), []string{"inbox"}) {
		t.Fatalf("inbox only: %v at %s, %v", u.NotificationChannels(), pos, err)
	}
	_, _, err = sh.svc.ChangeNotificationSettings(sh.ctx, id, commands.NotificationSettings{Channels: []string{"email", "sms"}, Phone: phone("+79991234567")}, commands.Request{})
	if !errors.Is(err, domain.ErrUnprocessable) || !strings.Contains(err.Error(), "sms") {
		t.Fatalf("sms on a shop without a gateway: %v, want a 422 naming sms", err)
	}
	// A channel nobody knows is bad input, even beside one the shop does not offer.
	if _, _, err = sh.svc.ChangeNotificationSettings(sh.ctx, id, commands.NotificationSettings{Channels: []string{"sms", "fax"}}, commands.Request{}); !errors.Is(err, domain.ErrInvalid) {
		t.Fatalf("fax: %v, want invalid", err)
	}
	// Nothing was recorded by the refusals.
	if u, _ := sh.svc.Lookup().User(sh.ctx, id); !slices.Equal(u.NotificationChannels(), []string{"inbox"}) || u.Phone != "" {
		t.Fatalf("after refusals: %v %q", u.NotificationChannels(), u.Phone)
	}

	sh.restart(commands.WithChannels(user.ChannelEmail, user.ChannelSMS, user.ChannelTelegram))
	if got := sh.svc.Channels(); !slices.Equal(got, []string{"inbox", "email", "sms", "telegram"}) {
		t.Fatalf("configured channels %v", got)
	}
	u, _, err = sh.svc.ChangeNotificationSettings(sh.ctx, id, commands.NotificationSettings{Channels: []string{"sms", "telegram"},
		Phone: phone("+79991234567"), TelegramChatID: phone("12345")}, commands.Request{})
	if err != nil || !slices.Equal(u.NotificationChannels(), []string{"inbox", "sms", "telegram"}) || u.Phone != "+79991234567" || u.TelegramChatID != "12345" {
		t.Fatalf("sms and telegram: %+v, %v", u, err)
	}
	// The same choice again appends nothing.
	_, pos, err = sh.svc.ChangeNotificationSettings(sh.ctx, id, commands.NotificationSettings{Channels: []string{"telegram", "sms"}}, commands.Request{})
	if err != nil || !pos.IsStart() {
		t.Fatalf("the same choice: %s, %v", pos, err)
	}
}
