package config

import (
	"errors"
	"fmt"
	"net/url"
)

// DefaultTelegramAPIURL is the public Telegram Bot API.
const DefaultTelegramAPIURL = "https://api.telegram.org"

// readChannels reads the settings of the notification channels beyond the inbox and email.
func (c *Config) readChannels(lookup func(string) (string, bool)) {
	for name, into := range map[string]*string{
		"CHANCE_SMS_GATEWAY_URL":    &c.SMSGatewayURL,
		"CHANCE_SMS_GATEWAY_TOKEN":  &c.SMSGatewayToken,
		"CHANCE_TELEGRAM_BOT_TOKEN": &c.TelegramBotToken,
		"CHANCE_TELEGRAM_API_URL":   &c.TelegramAPIURL,
	} {
		if v, ok := lookup(name); ok {
			*into = v
		}
	}
}

// validateChannels reports bad channel settings. The values are not echoed: a URL
// may carry credentials.
func (c Config) validateChannels() []error {
	var errs []error
	if c.SMSGatewayURL != "" {
		if !httpURL(c.SMSGatewayURL) {
			errs = append(errs, errors.New("CHANCE_SMS_GATEWAY_URL must be an http:// or https:// URL"))
		}
		if c.SMSGatewayToken == "" {
			errs = append(errs, errors.New("CHANCE_SMS_GATEWAY_TOKEN must be set when CHANCE_SMS_GATEWAY_URL is"))
		}
	}
	if !httpURL(c.TelegramAPIURL) {
		errs = append(errs, fmt.Errorf("CHANCE_TELEGRAM_API_URL must be an http:// or https:// URL (default %s)", DefaultTelegramAPIURL))
	}
	return errs
}

func httpURL(raw string) bool {
	u, err := url.Parse(raw)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// Channels are the notification channels this shop sends on: the inbox and email
// always (email as .eml files on the embedded setup), sms with an SMS gateway,
// telegram with a bot token.
func (c Config) Channels() []string {
	channels := []string{"inbox", "email"}
	if c.SMSGatewayURL != "" {
		channels = append(channels, "sms")
	}
	if c.TelegramBotToken != "" {
		channels = append(channels, "telegram")
	}
	return channels
}
