package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/chance-video/chance/infra/app"
	"github.com/chance-video/chance/infra/clock"
	"github.com/chance-video/chance/infra/config"
)

// drainTimeout bounds how long SIGTERM waits for requests in flight.
const drainTimeout = 15 * time.Second

func serveCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "serve",
		Short: "Serve the HTTP API on the embedded stores until SIGINT or SIGTERM",
		Args:  cobra.NoArgs,
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

// serve runs the whole shop: the HTTP API and, beside it, projections, notifications
// and the scheduler. On SIGTERM it stops taking requests, drains those in flight,
// then stops the rest and closes the stores.
func serve(ctx context.Context, cfg config.Config, log *slog.Logger) error {
	listener, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("CHANCE_ADDR=%s: %w", cfg.Addr, err)
	}
	return serveOn(ctx, cfg, log, listener)
}

// serveOn serves on a listener the caller opened (tests listen on port 0).
func serveOn(ctx context.Context, cfg config.Config, log *slog.Logger, listener net.Listener) (err error) {
	defer listener.Close()
	a, err := app.Open(cfg, clock.System{}, log)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, a.Close()) }()
	if err := a.SeedIfEmpty(ctx); err != nil {
		return fmt.Errorf("demo catalogue: %w", err)
	}
	handler, err := a.Handler(app.HTTPOptions{})
	if err != nil {
		return err
	}
	server := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second}

	// The background parts outlive the signal until the requests have drained; if one
	// of them fails, the server stops too.
	ctx, stopServing := context.WithCancel(ctx)
	defer stopServing()
	background, stopBackground := context.WithCancel(context.WithoutCancel(ctx))
	defer stopBackground()
	done := make(chan error, 1)
	go func() {
		err := a.Run(background)
		if err != nil {
			log.Error("background part failed; stopping", "error", err)
		}
		stopServing()
		done <- err
	}()
	go func() {
		<-ctx.Done()
		drain, cancel := context.WithTimeout(context.WithoutCancel(ctx), drainTimeout)
		defer cancel()
		_ = server.Shutdown(drain)
	}()
	log.Info("serving", "addr", "http://"+listener.Addr().String()+"/api/v1", "data", cfg.DataDir)
	serveErr := server.Serve(listener)
	if errors.Is(serveErr, http.ErrServerClosed) {
		serveErr = nil
	}
	stopBackground()
	return errors.Join(serveErr, <-done)
}
