// Command chance is the Chance Video backend: one binary with subcommands.
package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"
)

func main() {
	root := &cobra.Command{
		Use:           "chance",
		Short:         "Chance Video (Шанс-видео): rent theatre premieres for online viewing",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.AddCommand(serveCommand())
	if err := root.Execute(); err != nil {
		fmt.Fprintln(os.Stderr, "chance:", err)
		os.Exit(1)
	}
}
