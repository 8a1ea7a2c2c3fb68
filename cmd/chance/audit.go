package main

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/chance-video/chance/infra/app"
	"github.com/chance-video/chance/infra/config"
	"github.com/chance-video/chance/infra/loadtest"
)

func auditCommand() *cobra.Command {
	group := &cobra.Command{Use: "audit", Short: "Check the books against the event log"}
	var wait time.Duration
	verify := &cobra.Command{
		Use:   "verify",
		Short: "Re-derive every balance and payment from the event log and compare them with the read models",
		Long: `Reads the whole event log, folds every account stream (the ledger of record),
checks each money event's balance_after, and compares every balance, every payment's
status and each account's billing history with the read models. Prints a summary and
every difference (account or payment, what the log says, what was found), and exits
with status 1 if there is any.

Beside a running 'chance serve' on the same data folder, the server runs the audit
(its projectors are running) and this command prints its report. With no server, on
the embedded default, it first brings the money read models up to the log's head
itself. With a shared read store (PostgreSQL) it waits up to --wait for the running
projector to reach the head, and reports a read model still behind as lag, distinct
from a difference.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return operate(cmd, func(ctx context.Context, a *app.App) error {
				// This process owns an embedded folder: it applies the log to the read models itself.
				return a.VerifyBooks(ctx, wait, a.Config.ReadStore == config.SQLite, cmd.OutOrStdout())
			}, &remoteCall{path: "/audit/verify?wait=" + url.QueryEscape(wait.String()), failure: errRemoteBooks})
		},
	}
	verify.Flags().DurationVar(&wait, "wait", 30*time.Second, "how long to wait for the read models to reach the log's head")
	acks := &cobra.Command{
		Use:   "acks FILE",
		Short: "Check that every command 'chance loadtest --acks FILE' saw acknowledged is in the event log",
		Long: `Reads FILE, written by 'chance loadtest --acks FILE' (one JSON line per money-moving
command answered 2xx), and the whole event log, and names every acknowledged command
whose Idempotency-Key no event carries: answered and then lost, after a crash of the
server for instance. Exits 1 if there is any. It reads the log itself: stop the
server on the data folder first (after a kill -9, simply do not restart it yet, or
restart and stop it).`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return operate(cmd, func(ctx context.Context, a *app.App) error {
				f, err := os.Open(args[0])
				if err != nil {
					return err
				}
				defer f.Close()
				checked, missing, err := loadtest.CheckAcks(ctx, f, a.Events.ReadAll)
				if err != nil {
					return fmt.Errorf("%s: %w", args[0], err)
				}
				out := cmd.OutOrStdout()
				for _, m := range missing {
					fmt.Fprintf(out, "MISSING %s %s %s of %s (Idempotency-Key %s, answered %d at %s)\n", m.Op, m.Method, m.Path, m.Email,
						m.IdempotencyKey, m.Status, m.At.Format(time.RFC3339Nano))
				}
				fmt.Fprintf(out, "%d acknowledged commands checked, %d missing from the log\n", checked, len(missing))
				if len(missing) > 0 {
					return fmt.Errorf("audit acks: %d acknowledged commands are not in the log", len(missing))
				}
				return nil
			}, nil)
		},
	}
	group.AddCommand(verify, acks)
	return group
}

// errRemoteBooks ends a verify the running server found not clean (its report says how).
var errRemoteBooks = errors.New("audit verify: the read models differ from the event log, or are behind it (see the report above)")
