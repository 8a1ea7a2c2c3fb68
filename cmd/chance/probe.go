package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/chance-video/chance/infra/config"
)

// The image is static and has no shell, curl or wget: container healthchecks run
// `chance probe` instead.
func probeCommand() *cobra.Command {
	var timeout time.Duration
	cmd := &cobra.Command{
		Use:   "probe [URL]",
		Short: "Ask a URL (default: this process's /readyz) and exit 0 on a 2xx answer, 1 otherwise",
		Long: `For container healthchecks (the image has no curl). Without a URL it asks
http://HOST:PORT/readyz, with PORT from CHANCE_ADDR and HOST from it too unless it
listens on every address (0.0.0.0, :: or empty), in which case 127.0.0.1.
Prints the status and, on failure, the start of the answer (/readyz says which
part is not ready).`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			target := ""
			if len(args) == 1 {
				target = args[0]
			} else {
				addr, ok := os.LookupEnv("CHANCE_ADDR")
				if !ok || addr == "" {
					addr = config.Defaults().Addr
				}
				u, err := readyURL(addr)
				if err != nil {
					return err
				}
				target = u
			}
			ctx, cancel := context.WithTimeout(cmd.Context(), timeout)
			defer cancel()
			return probe(ctx, target, cmd.OutOrStdout())
		},
	}
	cmd.Flags().DurationVar(&timeout, "timeout", 3*time.Second, "give up after this long")
	return cmd
}

// readyURL is the /readyz address of a process listening on addr (CHANCE_ADDR).
func readyURL(addr string) (string, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", fmt.Errorf("CHANCE_ADDR=%q is not host:port: %w", addr, err)
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port) + "/readyz", nil
}

// errProbe is a probe that got an answer other than 2xx.
var errProbe = errors.New("probe failed")

// probe asks target once, without following redirects or keeping the connection.
func probe(ctx context.Context, target string, out io.Writer) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return fmt.Errorf("probe %s: %w", target, err)
	}
	client := &http.Client{
		Transport:     &http.Transport{DisableKeepAlives: true, Proxy: nil},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("probe %s: %w", target, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("%w: %s answered %s: %s", errProbe, target, resp.Status, strings.TrimSpace(string(body)))
	}
	fmt.Fprintf(out, "%s %s\n", target, resp.Status)
	return nil
}
