package user

import (
	"errors"
	"strings"
	"testing"

	"github.com/chance-video/chance/domain"
	"github.com/chance-video/chance/domain/decidertest"
)

func ptr(s string) *string { return &s }

func settings(channels []string, phone, chat string) NotificationSettingsChanged {
	return NotificationSettingsChanged{UserID: id, Channels: channels, Phone: phone, TelegramChatID: chat, At: now}
}

func TestNotificationSettings(t *testing.T) {
	given := []domain.Event{registered()}
	withSMS := append(given[:1:1], settings([]string{ChannelInbox, ChannelSMS}, "+79991234567", ""))
	withBoth := append(given[:1:1], settings([]string{ChannelInbox, ChannelEmail, ChannelSMS, ChannelTelegram}, "+79991234567", "-1001234567890"))
	decidertest.Run(t, Decider, []decidertest.Spec[Command]{
		{Name: "swaps email for sms with a phone", Given: given,
			When: ChangeNotificationSettings{Channels: []string{ChannelInbox, ChannelSMS}, Phone: ptr("+79991234567"), Now: now},
			Then: []domain.Event{settings([]string{ChannelInbox, ChannelSMS}, "+79991234567", "")}},
		{Name: "the inbox is always on, channels are deduplicated and ordered", Given: given,
			When: ChangeNotificationSettings{Channels: []string{ChannelTelegram, ChannelEmail, ChannelTelegram}, TelegramChatID: ptr("12345"), Now: now},
			Then: []domain.Event{settings([]string{ChannelInbox, ChannelEmail, ChannelTelegram}, "", "12345")}},
		{Name: "an empty choice is the inbox only", Given: given,
			When: ChangeNotificationSettings{Channels: []string{}, Now: now},
			Then: []domain.Event{settings([]string{ChannelInbox}, "", "")}},
		{Name: "a phone alone keeps the channels and records the whole settings", Given: given,
			When: ChangeNotificationSettings{Phone: ptr(" +4915112345678 "), Now: now},
			Then: []domain.Event{settings([]string{ChannelInbox, ChannelEmail}, "+4915112345678", "")}},
		{Name: "a negative chat id is a group's", Given: given,
			When: ChangeNotificationSettings{Channels: []string{ChannelTelegram}, TelegramChatID: ptr("-1001234567890"), Now: now},
			Then: []domain.Event{settings([]string{ChannelInbox, ChannelTelegram}, "", "-1001234567890")}},
		{Name: "a phone kept from before serves sms", Given: withSMS,
			When: ChangeNotificationSettings{Channels: []string{ChannelEmail, ChannelSMS}, Now: now},
			Then: []domain.Event{settings([]string{ChannelInbox, ChannelEmail, ChannelSMS}, "+79991234567", "")}},
		{Name: "clearing the phone of a channel no longer chosen", Given: withSMS,
			When: ChangeNotificationSettings{Channels: []string{ChannelEmail}, Phone: ptr(""), Now: now},
			Then: []domain.Event{settings([]string{ChannelInbox, ChannelEmail}, "", "")}},
		{Name: "the same settings again change nothing", Given: withSMS,
			When: ChangeNotificationSettings{Channels: []string{ChannelSMS, ChannelInbox}, Phone: ptr("+79991234567"), Now: now}},
		{Name: "choosing the default on the default changes nothing", Given: given,
			When: ChangeNotificationSettings{Channels: []string{ChannelEmail}, Now: now}},
		{Name: "an empty change changes nothing", Given: withBoth, When: ChangeNotificationSettings{Now: now}},
		{Name: "an unknown channel", Given: given, When: ChangeNotificationSettings{Channels: []string{"fax"}, Now: now}, WantErr: domain.ErrInvalid},
		{Name: "channel names are exact", Given: given, When: ChangeNotificationSettings{Channels: []string{"Email"}, Now: now}, WantErr: domain.ErrInvalid},
		{Name: "sms without a phone", Given: given, When: ChangeNotificationSettings{Channels: []string{ChannelSMS}, Now: now}, WantErr: domain.ErrInvalid},
		{Name: "telegram without a chat id", Given: withSMS, When: ChangeNotificationSettings{Channels: []string{ChannelTelegram}, Now: now}, WantErr: domain.ErrInvalid},
		{Name: "clearing the phone while sms stays chosen", Given: withSMS, When: ChangeNotificationSettings{Phone: ptr(""), Now: now}, WantErr: domain.ErrInvalid},
		{Name: "clearing the chat id while telegram stays chosen", Given: withBoth,
			When: ChangeNotificationSettings{Channels: []string{ChannelTelegram}, TelegramChatID: ptr(""), Now: now}, WantErr: domain.ErrInvalid},
		{Name: "a malformed phone even without sms", Given: given, When: ChangeNotificationSettings{Phone: ptr("89991234567"), Now: now}, WantErr: domain.ErrInvalid},
		{Name: "a malformed chat id even without telegram", Given: given, When: ChangeNotificationSettings{TelegramChatID: ptr("@mychannel"), Now: now}, WantErr: domain.ErrInvalid},
		{Name: "settings of nobody", When: ChangeNotificationSettings{Channels: []string{ChannelEmail}, Now: now}, WantErr: ErrNotFound},
	})
}

func TestNotificationSettingsErrorsSayWhatIsWrong(t *testing.T) {
	s := Decider.Fold([]domain.Event{registered()})
	for _, tc := range []struct {
		cmd  ChangeNotificationSettings
		says string
	}{
		{ChangeNotificationSettings{Channels: []string{"email", "fax"}}, `"fax"`},
		{ChangeNotificationSettings{Channels: []string{ChannelSMS}}, "phone"},
		{ChangeNotificationSettings{Channels: []string{ChannelTelegram}}, "telegram_chat_id"},
		{ChangeNotificationSettings{Phone: ptr("+7 999 123")}, "E.164"},
		{ChangeNotificationSettings{TelegramChatID: ptr("12a")}, "telegram_chat_id"},
	} {
		_, err := Decide(tc.cmd, s)
		if !errors.Is(err, domain.ErrInvalid) || !strings.Contains(err.Error(), tc.says) {
			t.Errorf("%+v: %v, want an invalid-input error saying %s", tc.cmd, err, tc.says)
		}
	}
}

func TestPhonesAndChatIDs(t *testing.T) {
	for p, ok := range map[string]bool{
		"+79991234567": true, "+12345678": true, "+123456789012345": true,
		"+1234567": false, "+1234567890123456": false, "+09991234567": false, "79991234567": false,
		"+7999123456a": false, "+7 9991234567": false, "+": false, "": false, "++79991234567": false, "+７９９９１２３４５６７": false,
	} {
		if got := CheckPhone(p) == nil; got != ok {
			t.Errorf("phone %q: valid %v, want %v", p, got, ok)
		}
	}
	for id, ok := range map[string]bool{
		"1": true, "123456789": true, "-1001234567890": true, "-9223372036854775808": true, "9223372036854775807": true,
		"0": false, "-0": false, "-": false, "": false, "0123": false, "12.5": false, "1e5": false, "@channel": false, "--1": false,
		"123456789012345678901": false, " 1": false, "+1": false,
		// beyond 64 bits: the Bot API has no such chat
		"9223372036854775808": false, "-9223372036854775809": false, "12345678901234567890": false,
	} {
		if got := CheckTelegramChatID(id) == nil; got != ok {
			t.Errorf("chat id %q: valid %v, want %v", id, got, ok)
		}
	}
}

func TestSettingsFold(t *testing.T) {
	s := Decider.Fold([]domain.Event{registered()})
	if got := s.NotificationChannels(); strings.Join(got, ",") != "inbox,email" {
		t.Fatalf("default channels %v", got)
	}
	s = Decider.Fold([]domain.Event{registered(), settings([]string{ChannelInbox, ChannelTelegram}, "", "42"),
		settings([]string{ChannelInbox}, "", "42")})
	if got := s.NotificationChannels(); strings.Join(got, ",") != "inbox" || s.TelegramChatID != "42" {
		t.Fatalf("channels %v, chat %q", got, s.TelegramChatID)
	}
}
