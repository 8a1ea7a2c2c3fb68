package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/sync/errgroup"

	"github.com/chance-video/chance/audit"
	"github.com/chance-video/chance/domain/codec"
	"github.com/chance-video/chance/infra/app"
	"github.com/chance-video/chance/infra/config"
	"github.com/chance-video/chance/projections"
)

// Errors the verify command ends with (exit status 1), told apart in their message.
var (
	errBooksDiffer = errors.New("audit verify: the read models differ from the event log (see the report above)")
	errBooksBehind = errors.New("audit verify: the read models are behind the event log; nothing was compared (retry once the projector has caught up, or raise --wait)")
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

On the embedded default, run it with 'chance serve' stopped (beside a running
server it is refused: the server owns the data folder): it first brings the money
read models up to the log's head itself. With a shared read store (PostgreSQL)
it waits up to --wait for the running projector to reach the head, and reports a read
model still behind as lag, distinct from a difference.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return operate(cmd, func(ctx context.Context, a *app.App) error {
				return verifyBooks(ctx, a, wait, cmd.OutOrStdout())
			}, nil)
		},
	}
	verify.Flags().DurationVar(&wait, "wait", 30*time.Second, "how long to wait for the read models to reach the log's head")
	group.AddCommand(verify)
	return group
}

// verifyBooks runs the audit and returns errBooksDiffer or errBooksBehind if the books
// are not clean.
func verifyBooks(ctx context.Context, a *app.App, wait time.Duration, out io.Writer) error {
	if a.Config.ReadStore == config.SQLite {
		// This process owns the embedded folder: catch the read models up itself.
		if err := catchUp(ctx, a, wait); err != nil {
			return err
		}
	}
	deadline := time.Now().Add(wait)
	for {
		r, err := audit.Verify(ctx, a.Events, a.Reads)
		if err != nil {
			return err
		}
		if len(r.Lag) > 0 && time.Now().Before(deadline) {
			select { // a projector elsewhere is still applying the log: give it a moment
			case <-time.After(time.Second):
				continue
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		r.Write(out)
		switch {
		case len(r.Lag) > 0:
			return errBooksBehind
		case !r.Clean():
			return errBooksDiffer
		}
		return nil
	}
}

// catchUp applies the log up to its current head to the read models the audit reads.
func catchUp(ctx context.Context, a *app.App, wait time.Duration) error {
	head, err := a.Events.Head(ctx)
	if err != nil {
		return err
	}
	checked := []projections.Projector{projections.Accounts{}, projections.Ledger{}}
	names := make([]string, len(checked))
	for i, p := range checked {
		names[i] = p.Name()
	}
	progress := projections.NewProgress(names...)
	follow, stop := context.WithCancel(ctx)
	g, follow := errgroup.WithContext(follow)
	for _, p := range checked {
		g.Go(func() error { return projections.Follow(follow, a.Events, a.Reads, codec.Shop(), p, progress) })
	}
	waiting, cancel := context.WithTimeout(follow, max(wait, time.Second))
	defer cancel()
	waitErr := progress.Wait(waiting, head)
	stop()
	if err := g.Wait(); err != nil && !errors.Is(err, context.Canceled) {
		return fmt.Errorf("catch the read models up: %w", err)
	}
	if waitErr != nil && ctx.Err() == nil {
		return fmt.Errorf("catch the read models up to %s: %w", head, waitErr)
	}
	return ctx.Err()
}
