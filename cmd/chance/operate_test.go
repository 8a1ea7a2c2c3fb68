package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chance-video/chance/infra/config"
	"github.com/chance-video/chance/readmodel/catalogue"
	"github.com/chance-video/chance/readmodel/ledger"
)

// run runs the chance binary's command line in this process.
func run(t *testing.T, args ...string) (string, error) {
	t.Helper()
	root := rootCommand()
	var out bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&out)
	root.SetArgs(args)
	err := root.Execute()
	return out.String(), err
}

func post(t *testing.T, u, token, key string, body any) (int, map[string]any) {
	t.Helper()
	data, _ := json.Marshal(body)
	req, _ := http.NewRequest(http.MethodPost, u, bytes.NewReader(data))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

// Operator commands beside a running server go through it; none opens the folder's
// files. `users grant-role` beside a server once made every later write a 500
// ("UNIQUE constraint failed: events.position") until restart.
func TestOperatorCommandsBesideARunningServer(t *testing.T) {
	cfg := config.Defaults()
	cfg.DataDir, cfg.Demo, cfg.ReadWait = t.TempDir(), false, 5*time.Second
	t.Setenv("CHANCE_DATA_DIR", cfg.DataDir)
	t.Setenv("CHANCE_DEMO", "false")
	t.Setenv("CHANCE_ADDR", "127.0.0.1:0") // should a second serve not be refused, it must not take a real port
	base, stop := startServe(t, cfg)
	defer stop()
	untilReady(t, base+"/search/?limit=1")

	if status, out := post(t, base+"/register", "", "", map[string]string{"email": "root@example.ru",
		"password": "correct horse battery", "first_name": "Анна", "last_name": "Каренина"}); status != http.StatusCreated {
		t.Fatalf("register: %d %v", status, out)
	}
	out, err := run(t, "users", "grant-role", "--email", "root@example.ru", "--role", "admin")
	if err != nil || !strings.Contains(out, "now has the role admin") || !strings.Contains(out, "done by the running server") {
		t.Fatalf("grant-role beside the server: %v: %s", err, out)
	}
	if _, err := run(t, "users", "grant-role", "--email", "nobody@example.ru", "--role", "admin"); err == nil || !strings.Contains(err.Error(), "nobody@example.ru") {
		t.Fatalf("grant-role of an unknown email: %v", err)
	}

	status, login := post(t, base+"/login", "", "", map[string]string{"email": "root@example.ru", "password": "correct horse battery"})
	if status != http.StatusOK {
		t.Fatalf("login: %d %v", status, login)
	}
	token := login["token"].(string)
	for i, key := range []string{"after-grant-1", "after-grant-2"} {
		if status, out := post(t, base+"/billing/fill", token, key, map[string]int{"summ": 100}); status != http.StatusCreated {
			t.Fatalf("write %d after the operator command: %d %v", i, status, out)
		}
	}
	if out, err := run(t, "replay", "all"); err != nil || !strings.Contains(out, ledger.Name+": rebuilt online") {
		t.Fatalf("replay beside the server: %v: %s", err, out)
	}
	if _, err := run(t, "replay", "nothing"); err == nil || !strings.Contains(err.Error(), "try all, or one of ") ||
		!strings.Contains(err.Error(), catalogue.Name) || !strings.Contains(err.Error(), ledger.Name) {
		t.Fatalf("replay of an unknown projection beside the server does not list the known ones: %v", err)
	}
	if out, err := run(t, "seed"); err != nil || !strings.Contains(out, "published 35 demo premieres") {
		t.Fatalf("seed beside the server: %v: %s", err, out)
	}
	if out, err := run(t, "audit", "verify"); err != nil || !strings.Contains(out, "result: clean") || !strings.Contains(out, "done by the running server") {
		t.Fatalf("audit verify beside the server: %v: %s", err, out)
	}
	if _, err := run(t, "serve"); err == nil || !strings.Contains(err.Error(), "is in use by process") {
		t.Fatalf("a second server on the same folder: %v", err)
	}
	if status, out := post(t, base+"/billing/fill", token, "after-all", map[string]int{"summ": 100}); status != http.StatusCreated {
		t.Fatalf("write after the operator commands: %d %v", status, out)
	}
}

// With no server running, operator commands open the folder themselves.
func TestOperatorCommandsWithoutAServer(t *testing.T) {
	t.Setenv("CHANCE_DATA_DIR", t.TempDir())
	if out, err := run(t, "seed"); err != nil || !strings.Contains(out, "published 35 demo premieres") || strings.Contains(out, "level=INFO") {
		t.Fatalf("seed (its result, without the stores' Info lines): %v: %s", err, out)
	}
	if _, err := run(t, "users", "grant-role", "--email", "nobody@example.ru", "--role", "admin"); err == nil {
		t.Fatal("grant-role of an unknown email succeeded")
	}
	if _, err := run(t, "replay", "nothing"); err == nil || !strings.Contains(err.Error(), "try all, or one of ") ||
		!strings.Contains(err.Error(), catalogue.Name) || !strings.Contains(err.Error(), ledger.Name) {
		t.Fatalf("replay of an unknown projection does not list the known ones: %v", err)
	}
}

// Beside a running server, a tampered read model is named by the server's audit and the
// command fails.
func TestRemoteAuditNamesATamperedAccount(t *testing.T) {
	dir, users := bookedShop(t)
	cfg := config.Defaults()
	cfg.DataDir, cfg.Demo = dir, false
	t.Setenv("CHANCE_DATA_DIR", dir)
	base, stop := startServe(t, cfg)
	defer stop()
	untilReady(t, base+"/search/?limit=1")
	tamperBalance(t, dir, users[0])
	out, err := run(t, "audit", "verify")
	if !errors.Is(err, errRemoteBooks) || !strings.Contains(out, "DIFF account "+users[0].String()+": balance") || !strings.Contains(out, "done by the running server") {
		t.Fatalf("remote audit of tampered books: %v\n%s", err, out)
	}
}

// A data folder too deep for a Unix socket path gets its operator socket in a private
// temp folder, which the lock names; operator commands still reach the server.
func TestOperatorSocketOfADeepDataFolder(t *testing.T) {
	cfg := config.Defaults()
	cfg.DataDir, cfg.Demo = filepath.Join(t.TempDir(), strings.Repeat("d", 120)), false
	t.Setenv("CHANCE_DATA_DIR", cfg.DataDir)
	base, stop := startServe(t, cfg)
	untilReady(t, base+"/search/?limit=1")
	out, err := run(t, "seed")
	if err != nil || !strings.Contains(out, "done by the running server") {
		t.Fatalf("seed beside a server with a deep data folder: %v: %s", err, out)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
}
