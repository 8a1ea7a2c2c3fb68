package config

import (
	"fmt"
	"strings"
)

// Observability is how the process reports on itself: its logs and its traces. The
// metrics need no setting (GET /metrics is always served).
type Observability struct {
	LogFormat string // CHANCE_LOG_FORMAT: text (default) or json, one object per line
	LogLevel  string // CHANCE_LOG_LEVEL: debug, info (default), warn or error
	// OTLPEndpoint is OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, else
	// OTEL_EXPORTER_OTLP_ENDPOINT: where traces are exported (OTLP over HTTP/protobuf).
	// Empty: no tracing at all. The exporter reads the other OTEL_* variables itself.
	OTLPEndpoint string
	// ServiceName is OTEL_SERVICE_NAME, "chance" by default: the traces' service.name.
	ServiceName string
}

// DefaultServiceName names the service in traces unless OTEL_SERVICE_NAME says otherwise.
const DefaultServiceName = "chance"

func defaultObservability() Observability {
	return Observability{LogFormat: "text", LogLevel: "info", ServiceName: DefaultServiceName}
}

// readObservability reads the logging and tracing variables.
func (o *Observability) read(lookup func(string) (string, bool)) {
	if v, ok := lookup("CHANCE_LOG_FORMAT"); ok {
		o.LogFormat = strings.ToLower(strings.TrimSpace(v))
	}
	if v, ok := lookup("CHANCE_LOG_LEVEL"); ok {
		o.LogLevel = strings.ToLower(strings.TrimSpace(v))
	}
	for _, name := range []string{"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_ENDPOINT"} {
		if v, ok := lookup(name); ok && strings.TrimSpace(v) != "" {
			o.OTLPEndpoint = strings.TrimSpace(v)
			break
		}
	}
	if v, ok := lookup("OTEL_SERVICE_NAME"); ok && strings.TrimSpace(v) != "" {
		o.ServiceName = strings.TrimSpace(v)
	}
}

func (o Observability) validate() []error {
	var errs []error
	switch o.LogFormat {
	case "text", "json":
	default:
		errs = append(errs, fmt.Errorf("CHANCE_LOG_FORMAT=%q must be text or json", o.LogFormat))
	}
	switch o.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		errs = append(errs, fmt.Errorf("CHANCE_LOG_LEVEL=%q must be debug, info, warn or error", o.LogLevel))
	}
	if o.OTLPEndpoint != "" && !strings.HasPrefix(o.OTLPEndpoint, "http://") && !strings.HasPrefix(o.OTLPEndpoint, "https://") {
		errs = append(errs, fmt.Errorf("OTEL_EXPORTER_OTLP_ENDPOINT=%q must be an http:// or https:// URL (traces are exported over OTLP/HTTP)", o.OTLPEndpoint))
	}
	return errs
}
