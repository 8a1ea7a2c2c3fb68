package config

import (
	"errors"
	"fmt"
	"net/mail"
	"net/url"
	"regexp"
	"strings"

	"github.com/chance-video/chance/domain/user"
	"github.com/chance-video/chance/infra/senders/smtpurl"
)

// Defaults of the channel settings.
const (
	DefaultMailFrom       = "Шанс-видео <noreply@chance-video.ru>"
	DefaultTelegramAPIURL = "https://api.telegram.org"
)

// botToken is the shape of a Telegram bot token (<bot id>:<secret>): anything else
// would change the path of the Bot API URL it goes into.
var botToken = regexp.MustCompile(`^[0-9]+:[A-Za-z0-9_-]+$`)

// validateChannels checks the channel settings. Its messages never repeat a
// password or a token.
func (c Config) validateChannels() []error {
	var errs []error
	if c.SMTPURL != "" {
		if _, err := smtpurl.Parse(c.SMTPURL); err != nil {
			errs = append(errs, fmt.Errorf("CHANCE_SMTP_URL=%q is not smtp://[user:password@]host[:port][?tls=…&auth=…] or smtps://…: %v",
				smtpurl.Redacted(c.SMTPURL), err))
		}
	}
	if from, err := mail.ParseAddress(c.MailFrom); err != nil || !strings.Contains(from.Address, "@") {
		errs = append(errs, fmt.Errorf("CHANCE_MAIL_FROM=%q is not an email address such as %q", c.MailFrom, DefaultMailFrom))
	}
	if c.SMSGatewayURL != "" {
		if err := httpURL(c.SMSGatewayURL); err != nil {
			errs = append(errs, fmt.Errorf("CHANCE_SMS_GATEWAY_URL: %w", err))
		}
		if c.SMSGatewayToken == "" {
			errs = append(errs, errors.New("CHANCE_SMS_GATEWAY_TOKEN is empty while CHANCE_SMS_GATEWAY_URL is set"))
		}
	}
	if c.TelegramBotToken != "" && !botToken.MatchString(c.TelegramBotToken) {
		errs = append(errs, errors.New("CHANCE_TELEGRAM_BOT_TOKEN is not a bot token (<digits>:<letters, digits, - or _>)"))
	}
	if err := httpURL(c.TelegramAPIURL); err != nil {
		errs = append(errs, fmt.Errorf("CHANCE_TELEGRAM_API_URL: %w", err))
	}
	return errs
}

// httpURL checks an http(s) URL with a host; the error names it without its user
// information.
func httpURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return errors.New("not a URL")
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%q is not an http:// or https:// URL", u.Redacted())
	}
	return nil
}

// Channels are the notification channels this shop sends on: the inbox and email
// always (email as .eml files on the embedded setup), sms with an SMS gateway,
// telegram with a bot token.
func (c Config) Channels() []string {
	channels := []string{user.ChannelInbox, user.ChannelEmail}
	if c.SMSGatewayURL != "" {
		channels = append(channels, user.ChannelSMS)
	}
	if c.TelegramBotToken != "" {
		channels = append(channels, user.ChannelTelegram)
	}
	return channels
}
