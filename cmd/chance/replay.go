package main

import (
	"context"
	"fmt"
	"io"
	"maps"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"github.com/chance-video/chance/infra/app"
	"github.com/chance-video/chance/projections"
	"github.com/chance-video/chance/readmodel/all"
)

func replayCommand() *cobra.Command {
	var names []string
	for _, p := range all.Projectors() {
		names = append(names, p.Name())
	}
	return &cobra.Command{
		Use:   "replay <projection>|all",
		Short: "Rebuild read models from the event log into fresh tables, then swap them in",
		Long: `Rebuilds one projection (or all) from position zero into fresh tables while the
current tables keep serving; they are swapped in only once caught up, and an
interrupted rebuild leaves them untouched. Beside a running 'chance serve' on the
same data folder, the server does the rebuild online (without a progress bar).

The projections it rebuilds: ` + strings.Join(names, ", ") + `.
The notification inbox, the dead letters and the sent records are not projections
of the log: replay leaves them as they are.`,
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
		return fmt.Errorf("no projection named %q (try all, or one of %s)", name, strings.Join(names, ", "))
	}
	head, err := a.Events.Head(ctx)
	if err != nil {
		return err
	}
	bar := progressbar.NewOptions64(int64(head.Commit),
		progressbar.OptionSetDescription(describe(chosen)),
		progressbar.OptionSetWriter(out),
		progressbar.OptionShowCount(),
		progressbar.OptionShowIts(),
		progressbar.OptionSetItsString("events"),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionOnCompletion(func() { fmt.Fprintln(out) }),
	)
	// One pass over the log feeds every chosen projection; the bar follows the one
	// furthest behind.
	reached := map[string]uint64{}
	var done []projections.RebuildReport
	err = projections.RebuildAll(ctx, a.Events, a.Reads, chosen, func(r projections.RebuildReport) {
		reached[r.Projection] = min(r.Reached.Commit, head.Commit)
		if r.Done {
			done = append(done, r)
		}
		_ = bar.Set64(int64(slices.Min(slices.Collect(maps.Values(reached)))))
	})
	_ = bar.Finish()
	for _, r := range done {
		fmt.Fprintf(out, "%s: %d events in %s (%.0f events/s), swapped in\n", r.Projection, r.Events, r.Elapsed.Round(time.Millisecond), float64(r.Events)/max(r.Elapsed.Seconds(), 1e-9))
	}
	return err
}

// describe names the projections a replay rebuilds, for its progress bar.
func describe(ps []projections.Projector) string {
	if len(ps) == 1 {
		return ps[0].Name()
	}
	return fmt.Sprintf("%d projections, one pass", len(ps))
}
