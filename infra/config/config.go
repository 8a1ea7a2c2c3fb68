// Package config reads the service's settings from CHANCE_* environment variables,
// with defaults for the embedded setup, and validates them with messages that name
// the variable at fault.
package config

import (
	"errors"
	"fmt"
	"net"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Config is every setting of the chance binary. The README's configuration table
// documents each variable.
type Config struct {
	Addr              string        // CHANCE_ADDR: where the HTTP API listens
	DataDir           string        // CHANCE_DATA_DIR: the embedded stores, mail and keys
	Demo              bool          // CHANCE_DEMO: publish the demo catalogue on an empty store
	JWTSecret         string        // CHANCE_JWT_SECRET: signing key; generated into the data folder if empty
	TokenTTL          time.Duration // CHANCE_TOKEN_TTL: how long a sign-in lasts
	SchedulerInterval time.Duration // CHANCE_SCHEDULER_INTERVAL: how often due reminders and expiries are issued
	ReadWait          time.Duration // CHANCE_READ_WAIT: how long a query waits for the client's own last write
	RecoveryInterval  time.Duration // CHANCE_RECOVERY_INTERVAL: how often interrupted flows are completed while serving
	RecoveryGrace     time.Duration // CHANCE_RECOVERY_GRACE: how old a flow must be before recovery takes it from its request

	// HTTP server limits (see httpapi.ServerLimits).
	HTTPReadTimeout    time.Duration // CHANCE_HTTP_READ_TIMEOUT: a whole request, body included
	HTTPWriteTimeout   time.Duration // CHANCE_HTTP_WRITE_TIMEOUT: writing one answer
	HTTPIdleTimeout    time.Duration // CHANCE_HTTP_IDLE_TIMEOUT: a keep-alive connection between requests
	HTTPMaxHeaderBytes int           // CHANCE_HTTP_MAX_HEADER_BYTES: request line and headers
	HTTPMaxConnections int           // CHANCE_HTTP_MAX_CONNECTIONS: open at once
	HTTPMaxPerClient   int           // CHANCE_HTTP_MAX_CONNECTIONS_PER_CLIENT: open at once from one address (0: no limit)
	// CHANCE_TRUSTED_PROXIES: comma-separated addresses or CIDRs of reverse proxies whose
	// X-Forwarded-For names the client (for the per-address limits); empty: none.
	TrustedProxies []string

	RegisterBurst int           // CHANCE_REGISTER_BURST: registrations one address may make at once
	RegisterEvery time.Duration // CHANCE_REGISTER_EVERY: then one per this interval

	// A message a consumer (a notification sender) fails on is tried
	// CHANCE_DELIVERY_ATTEMPTS times in all, pausing CHANCE_DELIVERY_RETRY_FIRST after
	// the first failure, twice as long after each next one, at most
	// CHANCE_DELIVERY_RETRY_MAX; then it is dead-lettered and the next one flows.
	DeliveryAttempts   int
	DeliveryRetryFirst time.Duration
	DeliveryRetryMax   time.Duration

	EventStore string // CHANCE_EVENTSTORE: sqlite (embedded), postgres or esdb (EventStoreDB/KurrentDB)
	ESDBURL    string // CHANCE_ESDB_URL: esdb:// connection string, with CHANCE_EVENTSTORE=esdb
	// CHANCE_EVENTSTORE_POSTGRES_URL: postgres:// URL of the event store, with
	// CHANCE_EVENTSTORE=postgres; CHANCE_POSTGRES_URL when not set. The log lives in the
	// schema EventsSchema (CHANCE_POSTGRES_SCHEMA + "_events").
	EventsPostgresURL string
	ReadStore         string // CHANCE_READSTORE: sqlite (embedded) or postgres
	PostgresURL       string // CHANCE_POSTGRES_URL: postgres:// URL, with CHANCE_READSTORE=postgres
	// CHANCE_POSTGRES_SCHEMA: the schema (prefix) the read models live in, and with
	// CHANCE_EVENTSTORE=postgres the prefix of the log's schema (EventsSchema), so several
	// shops or test runs can share one database.
	PostgresSchema string

	Bus string // CHANCE_BUS: gochannel (in-process, embedded) or kafka
	// CHANCE_KAFKA_BROKERS: comma-separated host:port of Kafka brokers, with CHANCE_BUS=kafka.
	KafkaBrokers []string
	// CHANCE_KAFKA_PARTITIONS: partitions of a topic the shop creates on Kafka.
	KafkaPartitions int
	// Notification channels beyond the inbox (see channels.go).
	SMTPURL          string // CHANCE_SMTP_URL: email over SMTP; empty: .eml files in the data folder
	MailFrom         string // CHANCE_MAIL_FROM: the From of emails; its domain names the Message-IDs
	SMSGatewayURL    string // CHANCE_SMS_GATEWAY_URL: the SMS gateway's endpoint; empty: no sms channel
	SMSGatewayToken  string // CHANCE_SMS_GATEWAY_TOKEN: its bearer token
	TelegramBotToken string // CHANCE_TELEGRAM_BOT_TOKEN: the Bot API token; empty: no telegram channel
	TelegramAPIURL   string // CHANCE_TELEGRAM_API_URL: the Bot API's base URL

	// Logs and traces (observability.go).
	Observability
	// How top-ups are paid (payments.go).
	Payments
	// Watch links (playback.go).
	Playback

	// BillingFromBus feeds the billing history from its consumer of the accounts topic
	// instead of the projection runner. CHANCE_BUS=kafka implies it (see
	// FeedsBillingFromBus); tests set it to run that wiring on the in-process bus.
	BillingFromBus bool

	// Roles this process plays (CHANCE_ROLES, or serve --roles); empty: every role.
	// See roles.go.
	Roles []string
	// ReadyMaxLag (CHANCE_READY_MAX_LAG): /readyz answers 503 while the oldest event
	// the read models have not applied is older than this.
	ReadyMaxLag time.Duration
	// MemoryBudget (CHANCE_MEMORY_BUDGET) is shared out between SQLite's page caches,
	// the stream cache and the Go heap (see memory.go and Memory).
	MemoryBudget Bytes
	// TestClockOffset moves this process's clock (tests only, see testclock.go).
	TestClockOffset time.Duration
}

// FeedsBillingFromBus reports whether the billing history is fed from the bus (Kafka
// mode) rather than projected from the log by the runner.
func (c Config) FeedsBillingFromBus() bool { return c.Bus == Kafka || c.BillingFromBus }

// Adapters.
const (
	SQLite   = "sqlite"
	ESDB     = "esdb"
	Postgres = "postgres"
	// Buses.
	GoChannel = "gochannel"
	Kafka     = "kafka"
)

// Defaults is the embedded setup: everything in ./data, API on localhost.
func Defaults() Config {
	return Config{
		Addr: "127.0.0.1:8080", DataDir: "./data", Demo: true, TokenTTL: 24 * time.Hour,
		SchedulerInterval: 30 * time.Second, ReadWait: 2 * time.Second,
		RecoveryInterval: 5 * time.Second, RecoveryGrace: 10 * time.Second,
		HTTPReadTimeout: 15 * time.Second, HTTPWriteTimeout: 30 * time.Second, HTTPIdleTimeout: 60 * time.Second,
		HTTPMaxHeaderBytes: 16 << 10, HTTPMaxConnections: 2000, HTTPMaxPerClient: 200,
		RegisterBurst: 5, RegisterEvery: 20 * time.Second,
		DeliveryAttempts: 5, DeliveryRetryFirst: 100 * time.Millisecond, DeliveryRetryMax: 5 * time.Second,
		EventStore: SQLite, ReadStore: SQLite, PostgresSchema: "chance",
		Bus: GoChannel, KafkaPartitions: 6,
		MailFrom: DefaultMailFrom, TelegramAPIURL: DefaultTelegramAPIURL,
		ReadyMaxLag:   DefaultReadyMaxLag,
		MemoryBudget:  DefaultMemoryBudget,
		Observability: defaultObservability(),
		Payments:      defaultPayments(),
		Playback:      defaultPlayback(),
	}
}

// FromEnv reads the settings over the defaults; lookup is os.LookupEnv in production.
func FromEnv(lookup func(string) (string, bool)) (Config, error) {
	c := Defaults()
	var errs []error
	str := func(name string, into *string) {
		if v, ok := lookup(name); ok {
			*into = v
		}
	}
	duration := func(name string, into *time.Duration) {
		parse(lookup, &errs, name, into, time.ParseDuration, "a duration such as 30s or 24h")
	}
	integer := func(name string, into *int) { parse(lookup, &errs, name, into, strconv.Atoi, "a whole number") }
	str("CHANCE_ADDR", &c.Addr)
	str("CHANCE_DATA_DIR", &c.DataDir)
	str("CHANCE_JWT_SECRET", &c.JWTSecret)
	str("CHANCE_EVENTSTORE", &c.EventStore)
	str("CHANCE_ESDB_URL", &c.ESDBURL)
	str("CHANCE_READSTORE", &c.ReadStore)
	str("CHANCE_POSTGRES_URL", &c.PostgresURL)
	str("CHANCE_POSTGRES_SCHEMA", &c.PostgresSchema)
	str("CHANCE_EVENTSTORE_POSTGRES_URL", &c.EventsPostgresURL)
	if c.EventsPostgresURL == "" {
		c.EventsPostgresURL = c.PostgresURL
	}
	str("CHANCE_BUS", &c.Bus)
	parse(lookup, &errs, "CHANCE_KAFKA_BROKERS", &c.KafkaBrokers, brokerList, "a comma-separated list of host:port")
	integer("CHANCE_KAFKA_PARTITIONS", &c.KafkaPartitions)
	parse(lookup, &errs, "CHANCE_DEMO", &c.Demo, strconv.ParseBool, "true or false")
	duration("CHANCE_HTTP_READ_TIMEOUT", &c.HTTPReadTimeout)
	duration("CHANCE_HTTP_WRITE_TIMEOUT", &c.HTTPWriteTimeout)
	duration("CHANCE_HTTP_IDLE_TIMEOUT", &c.HTTPIdleTimeout)
	integer("CHANCE_HTTP_MAX_HEADER_BYTES", &c.HTTPMaxHeaderBytes)
	integer("CHANCE_HTTP_MAX_CONNECTIONS", &c.HTTPMaxConnections)
	integer("CHANCE_HTTP_MAX_CONNECTIONS_PER_CLIENT", &c.HTTPMaxPerClient)
	parse(lookup, &errs, "CHANCE_TRUSTED_PROXIES", &c.TrustedProxies, proxyList, "a comma-separated list of addresses or CIDRs")
	integer("CHANCE_REGISTER_BURST", &c.RegisterBurst)
	duration("CHANCE_REGISTER_EVERY", &c.RegisterEvery)
	duration("CHANCE_TOKEN_TTL", &c.TokenTTL)
	duration("CHANCE_SCHEDULER_INTERVAL", &c.SchedulerInterval)
	duration("CHANCE_READ_WAIT", &c.ReadWait)
	duration("CHANCE_RECOVERY_INTERVAL", &c.RecoveryInterval)
	duration("CHANCE_RECOVERY_GRACE", &c.RecoveryGrace)
	integer("CHANCE_DELIVERY_ATTEMPTS", &c.DeliveryAttempts)
	duration("CHANCE_DELIVERY_RETRY_FIRST", &c.DeliveryRetryFirst)
	duration("CHANCE_DELIVERY_RETRY_MAX", &c.DeliveryRetryMax)
	str("CHANCE_SMTP_URL", &c.SMTPURL)
	str("CHANCE_MAIL_FROM", &c.MailFrom)
	str("CHANCE_SMS_GATEWAY_URL", &c.SMSGatewayURL)
	str("CHANCE_SMS_GATEWAY_TOKEN", &c.SMSGatewayToken)
	str("CHANCE_TELEGRAM_BOT_TOKEN", &c.TelegramBotToken)
	str("CHANCE_TELEGRAM_API_URL", &c.TelegramAPIURL)
	duration("CHANCE_READY_MAX_LAG", &c.ReadyMaxLag)
	parse(lookup, &errs, "CHANCE_MEMORY_BUDGET", &c.MemoryBudget, ParseBytes, "an amount of memory such as 128MiB, 1GiB or 134217728 (bytes)")
	errs = append(errs, rolesFromEnv(lookup, &c.Roles), testClockFromEnv(lookup, &c.TestClockOffset))
	c.Observability.read(lookup)
	c.Payments.read(lookup, &errs)
	c.Playback.read(lookup, &errs)
	if err := errors.Join(errs...); err != nil {
		return c, err
	}
	return c, c.Validate()
}

// parse sets *into from the variable name when it is set; a value that does not parse
// is reported as not being what it should be, and *into keeps its default.
func parse[T any](lookup func(string) (string, bool), errs *[]error, name string, into *T, parse func(string) (T, error), want string) {
	v, ok := lookup(name)
	if !ok {
		return
	}
	parsed, err := parse(v)
	if err != nil {
		*errs = append(*errs, fmt.Errorf("%s=%q is not %s", name, v, want))
		return
	}
	*into = parsed
}

// proxyList splits CHANCE_TRUSTED_PROXIES, checking each entry is an address or a CIDR.
func proxyList(v string) ([]string, error) {
	var out []string
	for _, p := range strings.Split(v, ",") {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		if _, _, err := net.ParseCIDR(p); err != nil && net.ParseIP(p) == nil {
			return nil, fmt.Errorf("%q is neither an address nor a CIDR", p)
		}
		out = append(out, p)
	}
	return out, nil
}

// brokerList splits CHANCE_KAFKA_BROKERS, checking each entry is host:port.
func brokerList(v string) ([]string, error) {
	var out []string
	for _, b := range strings.Split(v, ",") {
		b = strings.TrimSpace(b)
		if b == "" {
			continue
		}
		host, port, err := net.SplitHostPort(b)
		if err != nil {
			return nil, fmt.Errorf("%q is not host:port", b)
		}
		if n, err := strconv.Atoi(port); host == "" || err != nil || n < 1 || n > 65535 {
			return nil, fmt.Errorf("%q is not host:port", b)
		}
		out = append(out, b)
	}
	return out, nil
}

// Validate reports every bad setting at once.
func (c Config) Validate() error {
	var errs []error
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		errs = append(errs, fmt.Errorf("CHANCE_ADDR=%q is not host:port: %v", c.Addr, err))
	}
	if c.DataDir == "" {
		errs = append(errs, errors.New("CHANCE_DATA_DIR is empty"))
	}
	if c.JWTSecret != "" && len(c.JWTSecret) < 32 {
		errs = append(errs, errors.New("CHANCE_JWT_SECRET must be at least 32 bytes"))
	}
	if c.TokenTTL < time.Minute || c.TokenTTL > 30*24*time.Hour {
		errs = append(errs, fmt.Errorf("CHANCE_TOKEN_TTL=%s must be between 1m and 720h", c.TokenTTL))
	}
	if c.SchedulerInterval < 100*time.Millisecond {
		errs = append(errs, fmt.Errorf("CHANCE_SCHEDULER_INTERVAL=%s is below 100ms", c.SchedulerInterval))
	}
	if c.ReadWait < 0 || c.ReadWait > time.Minute {
		errs = append(errs, fmt.Errorf("CHANCE_READ_WAIT=%s must be between 0 and 1m", c.ReadWait))
	}
	if c.RecoveryInterval < 100*time.Millisecond {
		errs = append(errs, fmt.Errorf("CHANCE_RECOVERY_INTERVAL=%s is below 100ms", c.RecoveryInterval))
	}
	if c.RecoveryGrace < 0 || c.RecoveryGrace > time.Hour {
		errs = append(errs, fmt.Errorf("CHANCE_RECOVERY_GRACE=%s must be between 0 and 1h", c.RecoveryGrace))
	}
	if c.DeliveryAttempts < 1 || c.DeliveryAttempts > 100 {
		errs = append(errs, fmt.Errorf("CHANCE_DELIVERY_ATTEMPTS=%d must be between 1 and 100", c.DeliveryAttempts))
	}
	if c.DeliveryRetryFirst < time.Millisecond || c.DeliveryRetryMax < c.DeliveryRetryFirst || c.DeliveryRetryMax > 10*time.Minute {
		errs = append(errs, fmt.Errorf("CHANCE_DELIVERY_RETRY_FIRST=%s and CHANCE_DELIVERY_RETRY_MAX=%s must satisfy 1ms ≤ first ≤ max ≤ 10m",
			c.DeliveryRetryFirst, c.DeliveryRetryMax))
	}
	for name, d := range map[string]time.Duration{"CHANCE_HTTP_READ_TIMEOUT": c.HTTPReadTimeout,
		"CHANCE_HTTP_WRITE_TIMEOUT": c.HTTPWriteTimeout, "CHANCE_HTTP_IDLE_TIMEOUT": c.HTTPIdleTimeout} {
		if d < time.Second || d > 10*time.Minute {
			errs = append(errs, fmt.Errorf("%s=%s must be between 1s and 10m", name, d))
		}
	}
	if c.HTTPMaxHeaderBytes < 4<<10 || c.HTTPMaxHeaderBytes > 1<<20 {
		errs = append(errs, fmt.Errorf("CHANCE_HTTP_MAX_HEADER_BYTES=%d must be between 4096 and 1048576", c.HTTPMaxHeaderBytes))
	}
	if c.HTTPMaxConnections < 1 {
		errs = append(errs, fmt.Errorf("CHANCE_HTTP_MAX_CONNECTIONS=%d must be at least 1", c.HTTPMaxConnections))
	}
	if c.HTTPMaxPerClient < 0 {
		errs = append(errs, fmt.Errorf("CHANCE_HTTP_MAX_CONNECTIONS_PER_CLIENT=%d must be 0 (no limit) or more", c.HTTPMaxPerClient))
	}
	if c.RegisterBurst < 1 || c.RegisterBurst > 1_000_000 {
		errs = append(errs, fmt.Errorf("CHANCE_REGISTER_BURST=%d must be between 1 and 1000000", c.RegisterBurst))
	}
	if c.RegisterEvery <= 0 || c.RegisterEvery > 24*time.Hour {
		errs = append(errs, fmt.Errorf("CHANCE_REGISTER_EVERY=%s must be above 0 and at most 24h", c.RegisterEvery))
	}
	switch c.EventStore {
	case SQLite:
	case Postgres:
		if !isPostgresURL(c.EventsPostgresURL) {
			errs = append(errs, fmt.Errorf("CHANCE_EVENTSTORE_POSTGRES_URL=%q (or CHANCE_POSTGRES_URL) must be a postgres:// URL when CHANCE_EVENTSTORE=postgres",
				c.EventsPostgresURL))
		}
	case ESDB:
		if !strings.HasPrefix(c.ESDBURL, "esdb://") && !strings.HasPrefix(c.ESDBURL, "esdb+discover://") && !strings.HasPrefix(c.ESDBURL, "kurrentdb://") {
			errs = append(errs, fmt.Errorf("CHANCE_ESDB_URL=%q must be an esdb:// connection string when CHANCE_EVENTSTORE=esdb", c.ESDBURL))
		}
	default:
		errs = append(errs, fmt.Errorf("CHANCE_EVENTSTORE=%q must be sqlite, postgres or esdb", c.EventStore))
	}
	switch c.ReadStore {
	case SQLite:
	case Postgres:
		if !isPostgresURL(c.PostgresURL) {
			errs = append(errs, fmt.Errorf("CHANCE_POSTGRES_URL=%q must be a postgres:// URL when CHANCE_READSTORE=postgres", c.PostgresURL))
		}
	default:
		errs = append(errs, fmt.Errorf("CHANCE_READSTORE=%q must be sqlite or postgres", c.ReadStore))
	}
	switch c.Bus {
	case GoChannel:
	case Kafka:
		if len(c.KafkaBrokers) == 0 {
			errs = append(errs, errors.New("CHANCE_KAFKA_BROKERS must list the Kafka brokers (host:port,…) when CHANCE_BUS=kafka"))
		}
	default:
		errs = append(errs, fmt.Errorf("CHANCE_BUS=%q must be gochannel or kafka", c.Bus))
	}
	if c.KafkaPartitions < 1 || c.KafkaPartitions > 10_000 {
		errs = append(errs, fmt.Errorf("CHANCE_KAFKA_PARTITIONS=%d must be between 1 and 10000", c.KafkaPartitions))
	}
	errs = append(errs, c.validateChannels()...)
	errs = append(errs, c.validateRoles()...)
	errs = append(errs, c.validateReadiness()...)
	errs = append(errs, c.validateMemory()...)
	errs = append(errs, c.Observability.validate()...)
	errs = append(errs, c.Payments.validate()...)
	errs = append(errs, c.Playback.validate()...)
	return errors.Join(errs...)
}

func isPostgresURL(u string) bool {
	return strings.HasPrefix(u, "postgres://") || strings.HasPrefix(u, "postgresql://")
}

// EventsSchema is the schema of the PostgreSQL event store: the read store's schema
// with "_events" after it (chance_events by default), beside the read models'
// <schema>_<projection>_g<n> schemas and named like none of them.
func (c Config) EventsSchema() string { return c.PostgresSchema + "_events" }

// EventsPath is the embedded event store's file.
func (c Config) EventsPath() string { return filepath.Join(c.DataDir, "events.db") }

// ReadDir is the embedded read store's folder.
func (c Config) ReadDir() string { return filepath.Join(c.DataDir, "read") }

// MailDir is where emails are written as .eml files on the embedded setup.
func (c Config) MailDir() string { return filepath.Join(c.DataDir, "mail") }

// CheckpointDir kept the checkpoints of followers that are not projections before
// they moved to the read store; a start after the upgrade takes them over once.
func (c Config) CheckpointDir() string { return filepath.Join(c.DataDir, "checkpoints") }
