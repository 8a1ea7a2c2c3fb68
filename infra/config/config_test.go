package config

import (
	"strings"
	"testing"
)

func env(vars map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := vars[k]; return v, ok }
}

func TestDefaults(t *testing.T) {
	c, err := FromEnv(env(nil))
	if err != nil || c != Defaults() {
		t.Fatalf("FromEnv(empty) = %+v, %v", c, err)
	}
}

func TestOverridesAndErrors(t *testing.T) {
	c, err := FromEnv(env(map[string]string{"CHANCE_ADDR": ":9090", "CHANCE_DATA_DIR": "/tmp/x"}))
	if err != nil || c.Addr != ":9090" || c.EventsPath() != "/tmp/x/events.db" {
		t.Fatalf("got %+v, %v", c, err)
	}
	_, err = FromEnv(env(map[string]string{"CHANCE_ADDR": "nope", "CHANCE_DATA_DIR": ""}))
	if err == nil || !strings.Contains(err.Error(), "CHANCE_ADDR") || !strings.Contains(err.Error(), "CHANCE_DATA_DIR") {
		t.Fatalf("bad settings: %v", err)
	}
}
