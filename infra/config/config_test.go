package config

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

func env(vars map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := vars[k]; return v, ok }
}

func TestDefaults(t *testing.T) {
	c, err := FromEnv(env(nil))
	if err != nil || !reflect.DeepEqual(c, Defaults()) {
		t.Fatalf("FromEnv(empty) = %+v, %v", c, err)
	}
}

func TestOverrides(t *testing.T) {
	c, err := FromEnv(env(map[string]string{
		"CHANCE_ADDR": ":9090", "CHANCE_DATA_DIR": "/tmp/x", "CHANCE_DEMO": "false",
		"CHANCE_TOKEN_TTL": "2h", "CHANCE_READ_WAIT": "0s", "CHANCE_JWT_SECRET": strings.Repeat("s", 32),
		"CHANCE_RECOVERY_INTERVAL": "1s", "CHANCE_RECOVERY_GRACE": "0s",
		"CHANCE_DELIVERY_ATTEMPTS": "3", "CHANCE_DELIVERY_RETRY_FIRST": "10ms", "CHANCE_DELIVERY_RETRY_MAX": "1s",
	}))
	if err != nil || c.Addr != ":9090" || c.EventsPath() != "/tmp/x/events.db" || c.Demo || c.TokenTTL != 2*time.Hour || c.ReadWait != 0 ||
		c.RecoveryInterval != time.Second || c.RecoveryGrace != 0 ||
		c.DeliveryAttempts != 3 || c.DeliveryRetryFirst != 10*time.Millisecond || c.DeliveryRetryMax != time.Second {
		t.Fatalf("got %+v, %v", c, err)
	}
}

func TestBadSettingsAreNamed(t *testing.T) {
	_, err := FromEnv(env(map[string]string{"CHANCE_ADDR": "nope", "CHANCE_DATA_DIR": "", "CHANCE_JWT_SECRET": "short"}))
	for _, name := range []string{"CHANCE_ADDR", "CHANCE_DATA_DIR", "CHANCE_JWT_SECRET"} {
		if err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("error %v does not name %s", err, name)
		}
	}
	for name, bad := range map[string]string{"CHANCE_DEMO": "maybe", "CHANCE_TOKEN_TTL": "forever", "CHANCE_SCHEDULER_INTERVAL": "1ms",
		"CHANCE_RECOVERY_INTERVAL": "1ms", "CHANCE_RECOVERY_GRACE": "-1s",
		"CHANCE_HTTP_READ_TIMEOUT": "0s", "CHANCE_HTTP_WRITE_TIMEOUT": "soon", "CHANCE_HTTP_IDLE_TIMEOUT": "1h",
		"CHANCE_HTTP_MAX_HEADER_BYTES": "100", "CHANCE_HTTP_MAX_CONNECTIONS": "0", "CHANCE_HTTP_MAX_CONNECTIONS_PER_CLIENT": "many",
		"CHANCE_DELIVERY_ATTEMPTS": "0", "CHANCE_DELIVERY_RETRY_FIRST": "1h", "CHANCE_DELIVERY_RETRY_MAX": "1µs"} {
		if _, err := FromEnv(env(map[string]string{name: bad})); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s=%s: %v", name, bad, err)
		}
	}
}

func TestAdapterSelection(t *testing.T) {
	c, err := FromEnv(env(map[string]string{"CHANCE_EVENTSTORE": "esdb", "CHANCE_ESDB_URL": "esdb://localhost:2113?tls=false",
		"CHANCE_READSTORE": "postgres", "CHANCE_POSTGRES_URL": "postgres://postgres@127.0.0.1:5432/test"}))
	if err != nil || c.EventStore != ESDB || c.ReadStore != Postgres {
		t.Fatalf("got %+v, %v", c, err)
	}
	for vars, name := range map[[4]string]string{
		{"CHANCE_EVENTSTORE", "mongo", "", ""}:                                           "CHANCE_EVENTSTORE",
		{"CHANCE_EVENTSTORE", "esdb", "CHANCE_ESDB_URL", "http://x"}:                     "CHANCE_ESDB_URL",
		{"CHANCE_READSTORE", "mysql", "", ""}:                                            "CHANCE_READSTORE",
		{"CHANCE_READSTORE", "postgres", "CHANCE_POSTGRES_URL", ""}:                      "CHANCE_POSTGRES_URL",
		{"CHANCE_EVENTSTORE", "postgres", "", ""}:                                        "CHANCE_EVENTSTORE_POSTGRES_URL",
		{"CHANCE_EVENTSTORE", "postgres", "CHANCE_EVENTSTORE_POSTGRES_URL", "mysql://x"}: "CHANCE_EVENTSTORE_POSTGRES_URL",
	} {
		m := map[string]string{vars[0]: vars[1]}
		if vars[2] != "" {
			m[vars[2]] = vars[3]
		}
		if _, err := FromEnv(env(m)); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%v: error %v does not name %s", vars, err, name)
		}
	}
}

func TestPostgresEventStore(t *testing.T) {
	shared := "postgres://postgres@127.0.0.1:5432/shop"
	c, err := FromEnv(env(map[string]string{"CHANCE_EVENTSTORE": "postgres", "CHANCE_POSTGRES_URL": shared}))
	if err != nil || c.EventStore != Postgres || c.EventsPostgresURL != shared || c.EventsSchema() != "chance_events" {
		t.Fatalf("the event store's URL defaults to CHANCE_POSTGRES_URL: got %q in %q, %v", c.EventsPostgresURL, c.EventsSchema(), err)
	}
	own := "postgresql://events@10.0.0.5/log"
	c, err = FromEnv(env(map[string]string{"CHANCE_EVENTSTORE": "postgres", "CHANCE_POSTGRES_URL": shared,
		"CHANCE_EVENTSTORE_POSTGRES_URL": own, "CHANCE_POSTGRES_SCHEMA": "shop2"}))
	if err != nil || c.EventsPostgresURL != own || c.PostgresURL != shared || c.EventsSchema() != "shop2_events" {
		t.Fatalf("got %q in %q (reads at %q), %v", c.EventsPostgresURL, c.EventsSchema(), c.PostgresURL, err)
	}
}

func TestTrustedProxies(t *testing.T) {
	c, err := FromEnv(env(map[string]string{"CHANCE_TRUSTED_PROXIES": " 10.0.0.1, 192.168.0.0/16 ,"}))
	if err != nil || !reflect.DeepEqual(c.TrustedProxies, []string{"10.0.0.1", "192.168.0.0/16"}) {
		t.Fatalf("got %q, %v", c.TrustedProxies, err)
	}
}

func TestBusSelection(t *testing.T) {
	if c, _ := FromEnv(env(nil)); c.Bus != GoChannel || c.KafkaPartitions != 6 {
		t.Fatalf("default bus %q with %d partitions", c.Bus, c.KafkaPartitions)
	}
	c, err := FromEnv(env(map[string]string{"CHANCE_BUS": "kafka", "CHANCE_KAFKA_BROKERS": " kafka-1:9092, 10.0.0.2:9093 ,",
		"CHANCE_KAFKA_PARTITIONS": "12"}))
	if err != nil || c.Bus != Kafka || !reflect.DeepEqual(c.KafkaBrokers, []string{"kafka-1:9092", "10.0.0.2:9093"}) || c.KafkaPartitions != 12 {
		t.Fatalf("got %q %q %d, %v", c.Bus, c.KafkaBrokers, c.KafkaPartitions, err)
	}
	for _, bad := range []map[string]string{
		{"CHANCE_BUS": "kafka"}, // no brokers
		{"CHANCE_BUS": "kafka", "CHANCE_KAFKA_BROKERS": "kafka-1"},
		{"CHANCE_BUS": "kafka", "CHANCE_KAFKA_BROKERS": "kafka-1:http"},
		{"CHANCE_BUS": "kafka", "CHANCE_KAFKA_BROKERS": ":9092"},
	} {
		if _, err := FromEnv(env(bad)); err == nil || !strings.Contains(err.Error(), "CHANCE_KAFKA_BROKERS") {
			t.Errorf("%v: error %v does not name CHANCE_KAFKA_BROKERS", bad, err)
		}
	}
	for name, bad := range map[string]string{"CHANCE_BUS": "nats", "CHANCE_KAFKA_PARTITIONS": "0"} {
		if _, err := FromEnv(env(map[string]string{name: bad})); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s=%s: %v", name, bad, err)
		}
	}
	if _, err := FromEnv(env(map[string]string{"CHANCE_KAFKA_PARTITIONS": "many"})); err == nil || !strings.Contains(err.Error(), "CHANCE_KAFKA_PARTITIONS") {
		t.Errorf("CHANCE_KAFKA_PARTITIONS=many: %v", err)
	}
}

func TestChannelSettings(t *testing.T) {
	c, err := FromEnv(env(map[string]string{
		"CHANCE_SMTP_URL": "smtp://shop:secret@mail.example.ru:587?tls=required", "CHANCE_MAIL_FROM": "Shop <shop@example.ru>",
		"CHANCE_SMS_GATEWAY_URL": "https://sms.example.ru/send", "CHANCE_SMS_GATEWAY_TOKEN": "t0k",
		"CHANCE_TELEGRAM_BOT_TOKEN": "123456:AAE-x_y", "CHANCE_TELEGRAM_API_URL": "http://127.0.0.1:8081",
	}))
	if err != nil || c.SMTPURL == "" || c.MailFrom != "Shop <shop@example.ru>" || c.SMSGatewayURL != "https://sms.example.ru/send" ||
		c.SMSGatewayToken != "t0k" || c.TelegramBotToken != "123456:AAE-x_y" || c.TelegramAPIURL != "http://127.0.0.1:8081" {
		t.Fatalf("got %+v, %v", c, err)
	}
	if d := Defaults(); d.MailFrom != DefaultMailFrom || d.TelegramAPIURL != "https://api.telegram.org" || d.SMTPURL != "" {
		t.Fatalf("defaults %+v", d)
	}
	for _, bad := range []map[string]string{
		{"CHANCE_SMTP_URL": "smtp://shop:hunter2@mail.example.ru?tls=maybe"},
		{"CHANCE_SMTP_URL": "http://shop:hunter2@mail.example.ru"},
		{"CHANCE_MAIL_FROM": "nobody"},
		{"CHANCE_SMS_GATEWAY_URL": "sms.example.ru"},
		{"CHANCE_SMS_GATEWAY_URL": "https://sms.example.ru"}, // no token
		{"CHANCE_TELEGRAM_BOT_TOKEN": "hunter2/../../x"},
		{"CHANCE_TELEGRAM_API_URL": "ftp://api.telegram.org"},
	} {
		_, err := FromEnv(env(bad))
		var name string
		for k := range bad {
			name = k
		}
		if err == nil || !strings.Contains(err.Error(), strings.TrimSuffix(name, "_URL")) {
			t.Errorf("%v: %v", bad, err)
			continue
		}
		if strings.Contains(err.Error(), "hunter2") {
			t.Errorf("%v: the error %q shows a secret", bad, err)
		}
	}
}
