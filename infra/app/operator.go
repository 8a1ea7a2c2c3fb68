package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/chance-video/chance/commands"
	"github.com/chance-video/chance/domain"
	"github.com/chance-video/chance/infra/backup"
	"github.com/chance-video/chance/infra/httpapi"
)

// Operator commands reach a running server through a Unix socket beside its data
// folder: the server owns the folder's files (datadir), so `chance users grant-role`
// and friends ask it to do the work instead of opening them. Only a user who can open
// the socket (mode 0600, the server's own user) can use it; there are no tokens.

// OperatorSocketDir is the private (0700) folder of the server's operator socket: the
// folder's mode, not a chmod after the socket exists, keeps other users out. Unix
// socket paths are limited to about 100 bytes; a deeper data folder gets a fresh
// private folder under the temp folder (its path is in the data folder's lock).
func OperatorSocketDir(dataDir string) (string, error) {
	if abs, err := filepath.Abs(dataDir); err == nil {
		dataDir = abs
	}
	dir := filepath.Join(dataDir, "operator")
	if len(filepath.Join(dir, OperatorSocketName)) >= 100 {
		return os.MkdirTemp("", "chance-operator-")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	return dir, os.Chmod(dir, 0o700)
}

// OperatorSocketName is the socket's file name in OperatorSocketDir.
const OperatorSocketName = "operator.sock"

// GrantRole gives the user with email a role; it answers what it did.
func (a *App) GrantRole(ctx context.Context, email, role string) (string, error) {
	u, err := a.Handlers.UserByEmail.Handle(ctx, email)
	if err != nil {
		return "", fmt.Errorf("%s: %w", email, err)
	}
	if _, err := a.Handlers.GrantRole.Handle(ctx, commands.GrantRole{UserID: u.ID, Role: role, Request: commands.Request{CorrelationID: "operator"}}); err != nil {
		return "", err
	}
	return fmt.Sprintf("%s (%s) now has the role %s: it takes effect at their next sign-in (a token carries the roles of its sign-in)", u.Email, u.ID, role), nil
}

// OperatorHandler serves the operator commands on the socket. Each answers plain
// text: what was done, or why not (4xx for the operator's mistakes).
func (a *App) OperatorHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /users/grant-role", func(w http.ResponseWriter, r *http.Request) {
		var in struct{ Email, Role string }
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4096)).Decode(&in); err != nil {
			http.Error(w, "bad request: "+err.Error(), http.StatusBadRequest)
			return
		}
		done, err := a.GrantRole(r.Context(), in.Email, in.Role)
		answer(w, done, err)
	})
	mux.HandleFunc("POST /seed", func(w http.ResponseWriter, r *http.Request) {
		n, err := a.Seed(r.Context())
		answer(w, fmt.Sprintf("published %d demo premieres", n), err)
	})
	mux.HandleFunc("POST /replay/{projection}", func(w http.ResponseWriter, r *http.Request) {
		names := []string{r.PathValue("projection")}
		if names[0] == "all" {
			names = a.rebuilder().Names()
		}
		var done strings.Builder
		err := a.rebuilder().Rebuild(r.Context(), names, func(n string, events uint64) {
			fmt.Fprintf(&done, "%s: rebuilt online from %d events, swapped in\n", n, events)
		})
		answer(w, strings.TrimSuffix(done.String(), "\n"), err)
	})
	mux.HandleFunc("POST /backup", func(w http.ResponseWriter, r *http.Request) {
		var in struct{ Dest string }
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4096)).Decode(&in); err != nil || !filepath.IsAbs(in.Dest) {
			http.Error(w, "bad request: the destination must be an absolute path", http.StatusBadRequest)
			return
		}
		done, err := a.Backup(r.Context(), in.Dest)
		if errors.Is(err, backup.ErrExists) || errors.Is(err, ErrNotEmbedded) {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		answer(w, done, err)
	})
	mux.HandleFunc("POST /audit/verify", func(w http.ResponseWriter, r *http.Request) {
		wait, err := time.ParseDuration(r.URL.Query().Get("wait"))
		if err != nil || wait < 0 || wait > time.Hour {
			http.Error(w, "wait must be a duration between 0s and 1h", http.StatusBadRequest)
			return
		}
		// The server's own projectors keep the read models up to date: never a second follower.
		var report strings.Builder
		err = a.awaitOwnProjectors(r.Context(), wait)
		if err == nil {
			err = a.VerifyBooks(r.Context(), 0, false, &report)
		}
		switch {
		case err == nil:
			answer(w, report.String(), nil)
		case errors.Is(err, ErrBooksDiffer), errors.Is(err, ErrBooksBehind):
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			w.WriteHeader(http.StatusConflict)
			fmt.Fprint(w, report.String())
		default:
			answer(w, "", err)
		}
	})
	return mux
}

func answer(w http.ResponseWriter, done string, err error) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	switch {
	case err == nil:
		fmt.Fprintln(w, done)
	case errors.Is(err, domain.ErrInvalid), errors.Is(err, domain.ErrNotFound), errors.Is(err, httpapi.ErrUnknownProjection):
		http.Error(w, err.Error(), http.StatusBadRequest)
	case errors.Is(err, domain.ErrConflict), errors.Is(err, httpapi.ErrRebuildInProgress):
		http.Error(w, err.Error(), http.StatusConflict)
	default:
		http.Error(w, err.Error(), http.StatusInternalServerError)
	}
}
