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
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/chance-video/chance/infra/app"
	"github.com/chance-video/chance/infra/clock"
	"github.com/chance-video/chance/infra/config"
	"github.com/chance-video/chance/infra/httpapi"
)

// drainTimeout bounds how long SIGTERM waits for requests in flight.
const drainTimeout = 15 * time.Second

func serveCommand() *cobra.Command {
	var roles string
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the shop (the HTTP API and the background roles) until SIGINT or SIGTERM",
		Long: `Runs the shop with the settings of the CHANCE_* environment variables (the README's
table). By default: every role in one process, on the embedded stores in the data
folder CHANCE_DATA_DIR (./data), listening on CHANCE_ADDR (127.0.0.1:8080), with the
demo catalogue published on an empty log (CHANCE_DEMO=true). CHANCE_EVENTSTORE,
CHANCE_READSTORE and CHANCE_BUS choose PostgreSQL, KurrentDB and Kafka instead.

It answers 503 (Retry-After) until the read models have caught up with the log;
/healthz, /readyz and /metrics are served whatever the roles. SIGINT or SIGTERM
stops taking connections and waits up to 15 s for the requests in flight. The
operator commands (replay, seed, users, audit, backup) run beside it through its
socket in the data folder.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := config.FromEnv(os.LookupEnv)
			if err == nil && cmd.Flags().Changed("roles") {
				cfg, err = withRoles(cfg, roles)
			}
			if err != nil {
				return fmt.Errorf("configuration: %w", err)
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			log, err := newLogger(cfg, os.Stderr)
			if err != nil {
				return fmt.Errorf("configuration: %w", err)
			}
			slog.SetDefault(log) // the few parts that log without a logger of their own (followers pausing in an outage)
			app.SetGoMemoryLimit(cfg)
			stopProfiler, err := startProfiler(os.LookupEnv, log)
			if err != nil {
				return fmt.Errorf("configuration: %w", err)
			}
			defer stopProfiler()
			return serve(ctx, cfg, log)
		},
	}
	cmd.Flags().StringVar(&roles, "roles", "", "comma-separated roles of this process: "+strings.Join(config.AllRoles, ",")+
		" (default all; overrides CHANCE_ROLES)")
	return cmd
}

// withRoles sets the roles the --roles flag names (it wins over CHANCE_ROLES).
func withRoles(cfg config.Config, roles string) (config.Config, error) {
	parsed, err := config.ParseRoles(roles)
	if err != nil {
		return cfg, fmt.Errorf("--roles: %w", err)
	}
	cfg.Roles = parsed
	return cfg, cfg.Validate()
}

// processClock is the system clock, moved by the test-only offset when one is set.
func processClock(cfg config.Config, log *slog.Logger) app.Clock {
	if cfg.TestClockOffset == 0 {
		return clock.System{}
	}
	log.Warn("TEST ONLY: this process's clock is moved", "offset", cfg.TestClockOffset.String())
	return offsetClock(cfg.TestClockOffset)
}

// offsetClock is the system clock plus a fixed offset (tests only, see config).
type offsetClock time.Duration

func (o offsetClock) Now() time.Time { return time.Now().UTC().Add(time.Duration(o)) }

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
	a, err := app.Open(cfg, processClock(cfg, log), log)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, a.Close()) }()
	if cfg.ReadStore == config.Postgres && cfg.JWTSecret == "" && cfg.Has(config.RoleAPI) {
		log.Warn("CHANCE_JWT_SECRET is empty: tokens are signed with this data folder's key, which other processes on these stores do not accept")
	}
	handler := a.OpsHandler() // without the api role: /healthz and /readyz only
	if cfg.Has(config.RoleAPI) {
		if err := a.SeedIfEmpty(ctx); err != nil {
			return fmt.Errorf("demo catalogue: %w", err)
		}
		if handler, err = a.Handler(app.HTTPOptions{}); err != nil {
			return err
		}
	}
	limits := a.ServerLimits()
	server := httpapi.NewServer(handler, limits)
	listener = httpapi.LimitListener(listener, limits)
	stopOperator, err := serveOperator(a, log)
	if err != nil {
		return err
	}
	defer stopOperator()

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
		if err := server.Shutdown(drain); err != nil {
			// Requests still running after the drain time must not outlive the stores.
			log.Warn("requests still running after the drain time; closing their connections", "error", err)
			_ = server.Close()
		}
	}()
	log.Info("serving; answering 503 until the read models have caught up", "addr", "http://"+listener.Addr().String()+"/api/v1", "data", cfg.DataDir,
		"roles", strings.Join(rolesOf(cfg), ","))
	serveErr := server.Serve(listener)
	if errors.Is(serveErr, http.ErrServerClosed) {
		serveErr = nil
	}
	stopBackground()
	return errors.Join(serveErr, <-done)
}

// serveOperator listens on the data folder's operator socket, where `chance users
// grant-role`, `seed` and `replay` run beside this server (which owns the folder), and
// tells the folder's lock where it is.
func serveOperator(a *app.App, log *slog.Logger) (stop func(), err error) {
	dir, err := app.OperatorSocketDir(a.Config.DataDir)
	if err != nil {
		return nil, fmt.Errorf("operator socket folder: %w", err)
	}
	path := filepath.Join(dir, app.OperatorSocketName)
	_ = os.Remove(path) // left by a killed server: the folder's lock says this process owns it now
	l, err := net.Listen("unix", path)
	if err != nil {
		return nil, fmt.Errorf("operator socket %s: %w", path, err)
	}
	if err := a.AnnounceSocket(path); err != nil {
		l.Close()
		return nil, err
	}
	server := &http.Server{Handler: a.OperatorHandler(), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := server.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("operator socket stopped", "error", err)
		}
	}()
	return func() {
		_ = server.Close()
		_ = os.Remove(path)
		_ = os.Remove(dir) // empty now; a temp folder must not be left behind
	}, nil
}

// rolesOf lists the roles this process plays.
func rolesOf(cfg config.Config) []string {
	var out []string
	for _, r := range config.AllRoles {
		if cfg.Has(r) {
			out = append(out, r)
		}
	}
	return out
}
