package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/chance-video/chance/infra/app"
	"github.com/chance-video/chance/infra/backup"
	"github.com/chance-video/chance/infra/config"
	"github.com/chance-video/chance/infra/datadir"
)

func backupCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "backup DEST",
		Short: "Copy the embedded data folder, consistently, into the new folder DEST",
		Long: `Writes a consistent copy of the data folder (CHANCE_DATA_DIR) into DEST, which
must not exist yet: the checkpoints, the signing key (jwt.key), the emails written
as files, the read models and, last, the event log, each SQLite file with VACUUM
INTO. A restored copy never has a read model ahead of its log: they catch up on
start. DEST appears only once complete. Beside a running 'chance serve' on the same
folder the server makes the copy (it owns the files) and keeps serving; DEST is then
written by the server's user. Only for the embedded stores: back up PostgreSQL with
pg_dump and KurrentDB with its own tools. Restore with 'chance restore DEST'.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dest, err := filepath.Abs(args[0])
			if err != nil {
				return err
			}
			return operate(cmd, func(ctx context.Context, a *app.App) error {
				done, err := a.Backup(ctx, dest)
				if err == nil {
					fmt.Fprintln(cmd.OutOrStdout(), done)
				}
				return err
			}, &remoteCall{path: "/backup", body: map[string]string{"dest": dest}})
		},
	}
}

func restoreCommand() *cobra.Command {
	var replace bool
	cmd := &cobra.Command{
		Use:   "restore SRC",
		Short: "Make the data folder a copy of the backup SRC (no server may be running on it)",
		Long: `Copies the backup SRC (made by 'chance backup') into the data folder
(CHANCE_DATA_DIR). Refused while a server or another command holds the folder: stop
the server first. A folder with data is refused unless --replace is given; its
contents are then moved, not deleted, to <folder>.before-restore-<time>. Start the
server afterwards: the read models catch up with the restored log, and 'chance
audit verify' checks the books.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := config.FromEnv(os.LookupEnv)
			if err != nil {
				return fmt.Errorf("configuration: %w", err)
			}
			if cfg.EventStore != config.SQLite || cfg.ReadStore != config.SQLite {
				return app.ErrNotEmbedded
			}
			owner := datadir.Owner{PID: os.Getpid(), Command: strings.Join(os.Args, " "), Since: time.Now().UTC()}
			r, err := backup.Restore(args[0], cfg.DataDir, replace, owner, time.Now())
			var held *datadir.HeldError
			if errors.As(err, &held) {
				return fmt.Errorf("%w; stop it first: a restore replaces the files it is using", held)
			}
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "restored the backup %s (made %s, the log up to at least %s) into %s\n",
				args[0], r.Manifest.CreatedAt.Format(time.RFC3339), r.Manifest.LogHead, cfg.DataDir)
			if r.Aside != "" {
				fmt.Fprintf(out, "what the folder held before is in %s\n", r.Aside)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&replace, "replace", false, "move the data folder's contents aside instead of refusing a folder with data")
	return cmd
}
