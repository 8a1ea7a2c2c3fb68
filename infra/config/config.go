// Package config reads the service's settings from CHANCE_* environment variables,
// with defaults for the embedded setup, and validates them with messages that name
// the variable at fault.
package config

import (
	"errors"
	"fmt"
	"net"
	"path/filepath"
)

// Config is every setting of the chance binary.
type Config struct {
	Addr    string // CHANCE_ADDR: where the HTTP API listens
	DataDir string // CHANCE_DATA_DIR: the embedded stores' folder
}

// Defaults is the embedded setup: everything in ./data, API on localhost.
func Defaults() Config {
	return Config{Addr: "127.0.0.1:8080", DataDir: "./data"}
}

// FromEnv reads the settings over the defaults; lookup is os.LookupEnv in production.
func FromEnv(lookup func(string) (string, bool)) (Config, error) {
	c := Defaults()
	if v, ok := lookup("CHANCE_ADDR"); ok {
		c.Addr = v
	}
	if v, ok := lookup("CHANCE_DATA_DIR"); ok {
		c.DataDir = v
	}
	return c, c.Validate()
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
	return errors.Join(errs...)
}

// EventsPath is the embedded event store's file.
func (c Config) EventsPath() string { return filepath.Join(c.DataDir, "events.db") }
