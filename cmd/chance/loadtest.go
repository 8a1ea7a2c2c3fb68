package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/chance-video/chance/infra/loadtest"
)

func loadtestCommand() *cobra.Command {
	cfg := loadtest.Defaults()
	acks := ""
	cmd := &cobra.Command{
		Use:   "loadtest",
		Short: "Drive a running server with many customers and print throughput and latency percentiles per operation",
		Long: `Signs up --customers customers (register, login, one top-up), then for --duration
runs --concurrency clients, each on customers of its own, doing the scenario's
operations with fresh Idempotency-Keys: rent (POST /rent/), fill (POST /billing/fill),
checkout (two cart items, the form, the payment), cancel (a held rental), premiere
(GET /premiere/:id). It prints, per operation, the successful requests, their rate,
p50/p95/p99/max latency (HDR histogram) and the failures by status, with the log's
event count from /metrics, and a RESULT line per operation for scripts.

A customer holds a premiere once, so renting needs customers × premieres above the
rents made: --premieres publishes more (as --admin-email, a user with the admin role).
Sign-ups send X-Forwarded-For from 198.18.0.0/15, one address per customer: a server
with CHANCE_TRUSTED_PROXIES=127.0.0.1 limits them per customer; any other is waited out
(429 + Retry-After).

--scenario aged tops up one account with --aged-events top-ups, then alternates one
top-up on it with one on a new account from a single client and prints the ratio.

--acks FILE writes one JSON line per money-moving command answered 2xx (op, email,
method, path, idempotency_key, status, body, at), the sign-ups' top-ups included:
after killing the server mid-load, every line must be found in its event log.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) (err error) {
			if err := cfg.Validate(); err != nil {
				return err // before --acks is created
			}
			if acks != "" {
				f, err := os.Create(acks)
				if err != nil {
					return fmt.Errorf("--acks: %w", err)
				}
				defer func() {
					if cerr := f.Close(); cerr != nil && err == nil {
						err = fmt.Errorf("--acks: %w", cerr)
					}
				}()
				cfg.Acks = f
			}
			report, err := loadtest.Run(cmd.Context(), cfg, cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			report.Print(cmd.OutOrStdout())
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&cfg.URL, "url", cfg.URL, "the server (…/api/v1 is added if missing)")
	f.IntVar(&cfg.Concurrency, "concurrency", cfg.Concurrency, "clients at once")
	f.DurationVar(&cfg.Duration, "duration", cfg.Duration, "how long the measured part runs")
	f.IntVar(&cfg.Customers, "customers", cfg.Customers, "customers to sign up (at least --concurrency)")
	f.StringVar(&cfg.Scenario, "scenario", cfg.Scenario, strings.Join(loadtest.Scenarios(), "|"))
	f.StringVar(&cfg.Mix, "mix", "", "operation weights instead of the scenario's, e.g. rent=5,fill=2,checkout=1,cancel=1,premiere=1")
	f.IntVar(&cfg.Premieres, "premieres", 0, "premieres to publish first (needs --admin-email and --admin-password)")
	f.StringVar(&cfg.AdminEmail, "admin-email", "", "an admin's email, to publish premieres")
	f.StringVar(&cfg.AdminPassword, "admin-password", "", "that admin's password")
	f.IntVar(&cfg.AgedEvents, "aged-events", cfg.AgedEvents, "top-ups on the old account before --scenario aged")
	f.StringVar(&acks, "acks", "", "write each money-moving command answered 2xx to this file, one JSON line each")
	return cmd
}
