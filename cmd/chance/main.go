// Command chance is the Chance Video backend: one binary with subcommands.
package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"
)

func main() {
	if err := rootCommand().Execute(); err != nil {
		fmt.Fprintln(os.Stderr, "chance:", err)
		os.Exit(1)
	}
}

func rootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:           "chance",
		Short:         "Chance Video (Шанс-видео): rent theatre premieres for online viewing",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.AddCommand(serveCommand(), replayCommand(), seedCommand(), usersCommand(), auditCommand(), probeCommand(), backupCommand(), restoreCommand(), loadtestCommand())
	return root
}
