package main

import (
	"context"
	"errors"
	"net/url"
	"time"

	"github.com/spf13/cobra"

	"github.com/chance-video/chance/infra/app"
	"github.com/chance-video/chance/infra/config"
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
	group.AddCommand(verify)
	return group
}

// errRemoteBooks ends a verify the running server found not clean (its report says how).
var errRemoteBooks = errors.New("audit verify: the read models differ from the event log, or are behind it (see the report above)")
