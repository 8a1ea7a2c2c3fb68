// Command chance is the Chance Video backend: one binary with subcommands.
package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"

	"github.com/spf13/cobra"

	"github.com/chance-video/chance/infra/app"
	"github.com/chance-video/chance/infra/clock"
	"github.com/chance-video/chance/infra/config"
)

func main() {
	root := &cobra.Command{
		Use:           "chance",
		Short:         "Chance Video (Шанс-видео): rent theatre premieres for online viewing",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.AddCommand(serveCommand(), replayCommand(), seedCommand(), usersCommand(), auditCommand())
	if err := root.Execute(); err != nil {
		fmt.Fprintln(os.Stderr, "chance:", err)
		os.Exit(1)
	}
}

// withApp opens the shop from the environment's configuration, runs fn and closes it.
func withApp(cmd *cobra.Command, fn func(context.Context, *app.App) error) (err error) {
	cfg, err := config.FromEnv(os.LookupEnv)
	if err != nil {
		return fmt.Errorf("configuration: %w", err)
	}
	log := slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), nil))
	a, err := app.Open(cfg, clock.System{}, log)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, a.Close()) }()
	return fn(cmd.Context(), a)
}
