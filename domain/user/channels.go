package user

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain"
)

// Channels lists every notification channel in its canonical order: the order a
// user's choice is kept and shown in.
func Channels() []string {
	return []string{ChannelInbox, ChannelEmail, ChannelSMS, ChannelTelegram}
}

// KnownChannel reports whether c is a channel the shop knows.
func KnownChannel(c string) bool { return slices.Contains(Channels(), c) }

// ChangeNotificationSettings chooses where the user is told things. Channels nil keeps
// the current channels; any list (even empty) replaces them, the inbox being always on.
// Phone and TelegramChatID nil keep the current one; an empty string clears it.
type ChangeNotificationSettings struct {
	Channels       []string
	Phone          *string
	TelegramChatID *string
	Now            time.Time
}

func (ChangeNotificationSettings) isUserCommand() {}

// NotificationSettingsChanged: the user's notification settings are now these (all of
// them, so each event is the whole preference at its time).
type NotificationSettingsChanged struct {
	UserID         uuid.UUID
	Channels       []string // canonical order, inbox first
	Phone          string   // E.164, or empty
	TelegramChatID string   // a Bot API chat id, or empty
	At             time.Time
}

func (NotificationSettingsChanged) EventType() string { return "user.notification_settings_changed.v1" }

// Limits of the addresses of channels.
const (
	minPhoneDigits = 8
	maxPhoneDigits = 15 // E.164
)

// CheckPhone checks an E.164 number: "+", then 8 to 15 digits, the first not 0.
func CheckPhone(p string) error {
	digits, ok := strings.CutPrefix(p, "+")
	if !ok || len(digits) < minPhoneDigits || len(digits) > maxPhoneDigits || digits[0] == '0' || !allDigits(digits) {
		return domain.Invalid(fmt.Sprintf("phone %q is not an international number in E.164 form: + and %d to %d digits, such as +79991234567",
			shorten(p), minPhoneDigits, maxPhoneDigits))
	}
	return nil
}

// CheckTelegramChatID checks a Telegram Bot API chat id: an integer that fits 64 bits
// (the Bot API's own limit), negative for groups and channels, without leading zeros.
// A public channel's "@name" is refused: the shop writes to customers' chats.
func CheckTelegramChatID(id string) error {
	digits := strings.TrimPrefix(id, "-")
	if _, err := strconv.ParseInt(id, 10, 64); err != nil || digits == "" || digits[0] == '0' || !allDigits(digits) {
		return domain.Invalid(fmt.Sprintf("telegram_chat_id %q is not a Telegram chat id: a whole number such as 123456789 (negative for a group)", shorten(id)))
	}
	return nil
}

func allDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// shorten keeps an error's echo of bad input short.
func shorten(s string) string {
	if r := []rune(s); len(r) > 32 {
		return string(r[:32]) + "…"
	}
	return s
}

// canonicalChannels checks a choice of channels and returns it deduplicated, in the
// canonical order, with the inbox on.
func canonicalChannels(chosen []string) ([]string, error) {
	for _, c := range chosen {
		if !KnownChannel(c) {
			return nil, domain.Invalid(fmt.Sprintf("unknown notification channel %q (inbox, email, sms or telegram)", shorten(c)))
		}
	}
	out := []string{ChannelInbox}
	for _, c := range Channels()[1:] {
		if slices.Contains(chosen, c) {
			out = append(out, c)
		}
	}
	return out, nil
}

// decideNotificationSettings applies the rules of a settings change; the channels
// this shop offers are the command layer's concern, not the user's.
func decideNotificationSettings(c ChangeNotificationSettings, s State) ([]domain.Event, error) {
	if !s.Exists() {
		return nil, ErrNotFound
	}
	channels := s.NotificationChannels()
	if c.Channels != nil {
		var err error
		if channels, err = canonicalChannels(c.Channels); err != nil {
			return nil, err
		}
	}
	phone, chat := s.Phone, s.TelegramChatID
	if c.Phone != nil {
		if phone = strings.TrimSpace(*c.Phone); phone != "" {
			if err := CheckPhone(phone); err != nil {
				return nil, err
			}
		}
	}
	if c.TelegramChatID != nil {
		if chat = strings.TrimSpace(*c.TelegramChatID); chat != "" {
			if err := CheckTelegramChatID(chat); err != nil {
				return nil, err
			}
		}
	}
	if slices.Contains(channels, ChannelSMS) && phone == "" {
		return nil, domain.Invalid("the sms channel needs a phone number: send \"phone\" in E.164 form, such as +79991234567")
	}
	if slices.Contains(channels, ChannelTelegram) && chat == "" {
		return nil, domain.Invalid("the telegram channel needs a chat id: send \"telegram_chat_id\", the id of your chat with the shop's bot")
	}
	if slices.Equal(channels, s.NotificationChannels()) && phone == s.Phone && chat == s.TelegramChatID {
		return nil, nil // nothing changes
	}
	return []domain.Event{NotificationSettingsChanged{UserID: s.ID, Channels: channels, Phone: phone, TelegramChatID: chat, At: c.Now}}, nil
}
