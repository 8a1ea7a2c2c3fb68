package config

import (
	"strings"
	"testing"
)

func TestObservabilitySettings(t *testing.T) {
	c, err := FromEnv(env(map[string]string{"CHANCE_LOG_FORMAT": "JSON", "CHANCE_LOG_LEVEL": "debug",
		"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318", "OTEL_SERVICE_NAME": "chance-api"}))
	if err != nil || c.LogFormat != "json" || c.LogLevel != "debug" || c.OTLPEndpoint != "http://collector:4318" || c.ServiceName != "chance-api" {
		t.Fatalf("got %+v, %v", c.Observability, err)
	}
	c, err = FromEnv(env(map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://all:4318", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "https://traces:4318/v1/traces"}))
	if err != nil || c.OTLPEndpoint != "https://traces:4318/v1/traces" {
		t.Fatalf("the traces endpoint wins over the general one: %+v, %v", c.Observability, err)
	}
	if d := Defaults(); d.LogFormat != "text" || d.LogLevel != "info" || d.OTLPEndpoint != "" || d.ServiceName != "chance" {
		t.Fatalf("defaults %+v", d.Observability)
	}
}

func TestBadObservabilitySettingsAreRefused(t *testing.T) {
	for name, bad := range map[string]string{"CHANCE_LOG_FORMAT": "xml", "CHANCE_LOG_LEVEL": "verbose",
		"OTEL_EXPORTER_OTLP_ENDPOINT": "collector:4317"} {
		if _, err := FromEnv(env(map[string]string{name: bad})); err == nil || !strings.Contains(err.Error(), name) || !strings.Contains(err.Error(), bad) {
			t.Errorf("%s=%s: %v", name, bad, err)
		}
	}
}
