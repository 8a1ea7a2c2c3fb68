package main

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"github.com/chance-video/chance/infra/app"
	"github.com/chance-video/chance/projections"
	"github.com/chance-video/chance/readmodel/all"
)

func replayCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "replay <projection>|all",
		Short: "Rebuild read models from the event log into fresh tables, then swap them in",
		Long: `Rebuilds one projection (or all) from position zero into fresh tables while the
current tables keep serving; they are swapped in only once caught up, and an
interrupted rebuild leaves them untouched. Beside a running 'chance serve' on the
same data folder, the server does the rebuild online (without a progress bar).`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return operate(cmd, func(ctx context.Context, a *app.App) error {
				return replay(ctx, a, args[0], cmd.ErrOrStderr())
			}, &remoteCall{path: "/replay/" + url.PathEscape(args[0])})
		},
	}
}

func replay(ctx context.Context, a *app.App, name string, out io.Writer) error {
	var chosen []projections.Projector
	var names []string
	for _, p := range all.Projectors() {
		names = append(names, p.Name())
		if name == "all" || p.Name() == name {
			chosen = append(chosen, p)
		}
	}
	if len(chosen) == 0 {
		return fmt.Errorf("no projection named %q (try all, or one of %v)", name, names)
	}
	for _, p := range chosen {
		head, err := a.Events.Head(ctx)
		if err != nil {
			return err
		}
		bar := progressbar.NewOptions64(int64(head.Commit),
			progressbar.OptionSetDescription(p.Name()),
			progressbar.OptionSetWriter(out),
			progressbar.OptionShowCount(),
			progressbar.OptionShowIts(),
			progressbar.OptionSetItsString("events"),
			progressbar.OptionSetPredictTime(true),
			progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionOnCompletion(func() { fmt.Fprintln(out) }),
		)
		started := time.Now()
		var events uint64
		err = projections.Rebuild(ctx, a.Events, a.Reads, p, func(r projections.RebuildReport) {
			events = r.Events
			_ = bar.Set64(int64(min(r.Reached.Commit, head.Commit)))
		})
		if err != nil {
			return err
		}
		_ = bar.Finish()
		elapsed := time.Since(started)
		fmt.Fprintf(out, "%s: %d events in %s (%.0f events/s), swapped in\n", p.Name(), events, elapsed.Round(time.Millisecond), float64(events)/max(elapsed.Seconds(), 1e-9))
	}
	return nil
}
