package config

import (
	"reflect"
	"strings"
	"testing"
)

func TestOfferedChannels(t *testing.T) {
	c, err := FromEnv(env(nil))
	if err != nil || !reflect.DeepEqual(c.Channels(), []string{"inbox", "email"}) || c.TelegramAPIURL != "https://api.telegram.org" {
		t.Fatalf("default: %v, %q, %v", c.Channels(), c.TelegramAPIURL, err)
	}
	c, err = FromEnv(env(map[string]string{"CHANCE_SMS_GATEWAY_URL": "https://sms.example.ru/send", "CHANCE_SMS_GATEWAY_TOKEN": "t0k",
		"CHANCE_TELEGRAM_BOT_TOKEN": "123:abc", "CHANCE_TELEGRAM_API_URL": "http://127.0.0.1:8081"}))
	if err != nil || !reflect.DeepEqual(c.Channels(), []string{"inbox", "email", "sms", "telegram"}) ||
		c.SMSGatewayURL != "https://sms.example.ru/send" || c.SMSGatewayToken != "t0k" || c.TelegramBotToken != "123:abc" || c.TelegramAPIURL != "http://127.0.0.1:8081" {
		t.Fatalf("all channels: %+v, %v", c, err)
	}
	c, err = FromEnv(env(map[string]string{"CHANCE_TELEGRAM_BOT_TOKEN": "123:abc"}))
	if err != nil || !reflect.DeepEqual(c.Channels(), []string{"inbox", "email", "telegram"}) {
		t.Fatalf("telegram only: %v, %v", c.Channels(), err)
	}
	for name, vars := range map[string]map[string]string{
		"CHANCE_SMS_GATEWAY_TOKEN": {"CHANCE_SMS_GATEWAY_URL": "https://sms.example.ru/send"},
		"CHANCE_SMS_GATEWAY_URL":   {"CHANCE_SMS_GATEWAY_URL": "ftp://sms.example.ru", "CHANCE_SMS_GATEWAY_TOKEN": "t"},
		"CHANCE_TELEGRAM_API_URL":  {"CHANCE_TELEGRAM_API_URL": "api.telegram.org"},
	} {
		_, err := FromEnv(env(vars))
		if err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%v: error %v does not name %s", vars, err, name)
		}
	}
	// A token never appears in an error.
	if _, err := FromEnv(env(map[string]string{"CHANCE_SMS_GATEWAY_URL": "https://user:secret@", "CHANCE_SMS_GATEWAY_TOKEN": "t"})); err == nil || strings.Contains(err.Error(), "secret") {
		t.Errorf("bad URL with credentials: %v", err)
	}
}
