package main

import (
	"fmt"
	"io"
	"log/slog"

	"github.com/chance-video/chance/infra/config"
	"github.com/chance-video/chance/infra/observe"
)

// newLogger is the process's logger as configured: CHANCE_LOG_FORMAT (text or json)
// from CHANCE_LOG_LEVEL up, every line naming the request and flow it was written for.
func newLogger(cfg config.Config, w io.Writer) (*slog.Logger, error) {
	level, err := observe.ParseLogLevel(cfg.LogLevel)
	if err != nil {
		return nil, fmt.Errorf("CHANCE_LOG_LEVEL: %w", err)
	}
	log, err := observe.NewLogger(w, cfg.LogFormat, level)
	if err != nil {
		return nil, fmt.Errorf("CHANCE_LOG_FORMAT: %w", err)
	}
	return log, nil
}
