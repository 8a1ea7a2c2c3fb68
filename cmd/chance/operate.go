package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/chance-video/chance/infra/app"
	"github.com/chance-video/chance/infra/clock"
	"github.com/chance-video/chance/infra/config"
	"github.com/chance-video/chance/infra/datadir"
)

// remoteCall is an operator command sent to the running server that owns the data
// folder: a path on its operator socket and a JSON body (nil for none).
type remoteCall struct {
	path string
	body any
	// failure, if set, means the server's answer is a report to print whatever it
	// says; a refusal (409) ends the command with failure once printed.
	failure error
}

// operate runs an operator command on the data folder's stores itself, or, when a
// running server owns the folder, sends remote to that server (which does the same
// work online); a command without a remote form is refused with what to do instead.
// It never opens files another process is writing.
func operate(cmd *cobra.Command, local func(context.Context, *app.App) error, remote *remoteCall) error {
	err := withApp(cmd, local)
	var held *datadir.HeldError
	if !errors.As(err, &held) {
		return err
	}
	if remote == nil {
		return fmt.Errorf("%w; stop it first (this command needs the folder to itself)", held)
	}
	if held.Owner.Socket == "" {
		return fmt.Errorf("%w and takes no operator commands (still starting?); try again in a moment or stop it first", held)
	}
	answer, err := callOperator(cmd.Context(), held.Owner.Socket, *remote)
	var refused *refusal
	if remote.failure != nil && errors.As(err, &refused) && refused.status == http.StatusConflict {
		fmt.Fprintf(cmd.OutOrStdout(), "%s\n(done by the running server, pid %d)\n", strings.TrimRight(refused.answer, "\n"), held.Owner.PID)
		return remote.failure
	}
	if err != nil {
		return fmt.Errorf("%w; sending the command to it: %w", held, err)
	}
	fmt.Fprintf(cmd.OutOrStdout(), "%s\n(done by the running server, pid %d)\n", strings.TrimRight(answer, "\n"), held.Owner.PID)
	return nil
}

// callOperator posts one command to the server's operator socket.
func callOperator(ctx context.Context, socket string, c remoteCall) (string, error) {
	client := &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, "unix", socket)
		},
	}}
	var body io.Reader = http.NoBody
	if c.body != nil {
		data, err := json.Marshal(c.body)
		if err != nil {
			return "", err
		}
		body = bytes.NewReader(data)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://operator"+c.path, body)
	if err != nil {
		return "", err
	}
	resp, err := client.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return "", err
	}
	if resp.StatusCode != http.StatusOK {
		return "", &refusal{status: resp.StatusCode, answer: string(out)}
	}
	return string(out), nil
}

// refusal is the operator socket's answer to a command it did not carry out.
type refusal struct {
	status int
	answer string
}

func (r *refusal) Error() string { return strings.TrimSpace(r.answer) }

// withApp opens the shop from the environment's configuration, runs fn and closes it.
func withApp(cmd *cobra.Command, fn func(context.Context, *app.App) error) (err error) {
	cfg, err := config.FromEnv(os.LookupEnv)
	if err != nil {
		return fmt.Errorf("configuration: %w", err)
	}
	if _, set := os.LookupEnv("CHANCE_LOG_LEVEL"); !set {
		// A command prints its own result: the stores' start and stop (memory budget,
		// router, Pub/Sub lines) are noise here unless asked for.
		cfg.LogLevel = "warn"
	}
	log, err := newLogger(cfg, cmd.ErrOrStderr())
	if err != nil {
		return fmt.Errorf("configuration: %w", err)
	}
	a, err := app.Open(cfg, clock.System{}, log)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, a.Close()) }()
	return fn(cmd.Context(), a)
}
