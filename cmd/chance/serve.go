package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/chance-video/chance/commands"
	"github.com/chance-video/chance/eventlog"
	"github.com/chance-video/chance/infra/clock"
	"github.com/chance-video/chance/infra/config"
	"github.com/chance-video/chance/infra/eventstore/sqlite"
)

func serveCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "serve",
		Short: "Run the shop on the embedded stores until SIGINT or SIGTERM",
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := config.FromEnv(os.LookupEnv)
			if err != nil {
				return fmt.Errorf("configuration: %w", err)
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			return serve(ctx, cfg, slog.New(slog.NewTextHandler(os.Stderr, nil)))
		},
	}
}

func serve(ctx context.Context, cfg config.Config, log *slog.Logger) error {
	if err := os.MkdirAll(cfg.DataDir, 0o750); err != nil {
		return fmt.Errorf("data folder: %w", err)
	}
	store, err := sqlite.Open(cfg.EventsPath())
	if err != nil {
		return err
	}
	defer store.Close()
	svc := commands.New(store, clock.System{})
	// Flows a crash interrupted are completed before anything else runs.
	reached, err := svc.Recover(ctx, store, eventlog.Start)
	if err != nil {
		return err
	}
	log.Info("event store ready", "path", cfg.EventsPath(), "log_position", reached.String())
	<-ctx.Done()
	log.Info("stopping")
	return nil
}
