package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/chance-video/chance/infra/demo"
)

// A backup taken from a running server while another customer keeps topping up,
// restored into a fresh folder: a server starts on it, its books are clean, the first
// customer's balance and rentals are what they were, and tokens signed before the
// backup still work (the signing key came along). The original server is untouched.
func TestBackupOfARunningServerRestoresItsBooks(t *testing.T) {
	dir := t.TempDir()
	srv := startServer(t, dir, "CHANCE_DEMO=true")
	defer srv.kill()

	anna := signUp(t, srv.base, "anna@example.ru")
	for i := range 3 {
		if status, raw := chaosPost(srv.base, "/billing/fill", anna.token, fmt.Sprintf("fill-%d", i), map[string]any{"summ": 100_000}); status != http.StatusCreated {
			t.Fatalf("fill: %d %s", status, raw)
		}
	}
	if status, raw := chaosPost(srv.base, "/rent", anna.token, "rent-1", map[string]any{"id": demo.Catalogue()[0].ID.String(), "period": 24}); status/100 != 2 {
		t.Fatalf("rent: %d %s", status, raw)
	}
	balance := balanceOf(t, srv.base, anna.token)

	// Writes go on during the backup: its copy must still be consistent.
	boris := signUp(t, srv.base, "boris@example.ru")
	stop := make(chan struct{})
	var writes sync.WaitGroup
	writes.Go(func() {
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			if status, raw := chaosPost(srv.base, "/billing/fill", boris.token, fmt.Sprintf("during-%d", i), map[string]any{"summ": 1_000}); status != http.StatusCreated {
				t.Errorf("fill during the backup: %d %s", status, raw)
				return
			}
		}
	})
	dest := filepath.Join(t.TempDir(), "backup")
	out, errOut, status := runChance(t, dir, "backup", dest)
	close(stop)
	writes.Wait()
	if status != 0 || !strings.Contains(out, "done by the running server") {
		t.Fatalf("backup beside the server: exit %d\n%s%s", status, out, errOut)
	}
	// Snapshots are not backed up: ones of a later history than the restored log's
	// must not sit beside it (commands checks each against the log anyway).
	if _, err := os.Stat(filepath.Join(dest, "snapshots.db")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the backup holds the snapshots: %v", err)
	}
	if _, _, status := runChance(t, dir, "backup", dest); status != 1 {
		t.Fatalf("a second backup into the same folder: exit %d, want 1", status)
	}
	if out, errOut, status := runChance(t, dir, "restore", dest); status != 1 || !strings.Contains(errOut, "stop it first") {
		t.Fatalf("restore onto the running server's folder: exit %d\n%s%s", status, out, errOut)
	}

	restored := filepath.Join(t.TempDir(), "restored")
	if out, errOut, status := runChance(t, restored, "restore", dest); status != 0 {
		t.Fatalf("restore: exit %d\n%s%s", status, out, errOut)
	}
	if out, errOut, status := runChance(t, restored, "audit", "verify"); status != 0 || !strings.Contains(out, "result: clean") {
		t.Fatalf("audit verify of the restored folder: exit %d\n%s%s", status, out, errOut)
	}
	again := startServer(t, restored)
	defer again.kill()
	if got := balanceOf(t, again.base, anna.token); got != balance {
		t.Fatalf("balance after the restore: %d, want %d", got, balance)
	}
	var mine struct{ Items []json.RawMessage }
	if status, raw := chaosDo(again.base, "GET", "/me/premieres", anna.token, "", nil); status != http.StatusOK || json.Unmarshal(raw, &mine) != nil || len(mine.Items) != 1 {
		t.Fatalf("rentals after the restore: %d %s", status, raw)
	}
	if out, errOut, status := runChance(t, restored, "audit", "verify"); status != 0 || !strings.Contains(out, "result: clean") || !strings.Contains(out, "done by the running server") {
		t.Fatalf("audit verify beside the restored server: exit %d\n%s%s", status, out, errOut)
	}
	again.stop(t)
	// The original goes on as before.
	if got := balanceOf(t, srv.base, anna.token); got != balance {
		t.Fatalf("the original server's balance after the backup: %d, want %d", got, balance)
	}
	srv.stop(t)
}

// Without a server, backup opens the folder itself; restore refuses a folder with
// data unless told to move it aside.
func TestBackupWithoutAServerAndRestoreOverData(t *testing.T) {
	dir, _ := bookedShop(t)
	dest := filepath.Join(t.TempDir(), "backup")
	if out, errOut, status := runChance(t, dir, "backup", dest); status != 0 || strings.Contains(out, "running server") {
		t.Fatalf("backup: exit %d\n%s%s", status, out, errOut)
	}
	target := t.TempDir()
	for _, name := range []string{"events.db", "snapshots.db"} {
		if err := os.WriteFile(filepath.Join(target, name), []byte("not a log"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if out, errOut, status := runChance(t, target, "restore", dest); status != 1 || !strings.Contains(errOut, "--replace") {
		t.Fatalf("restore over data: exit %d\n%s%s", status, out, errOut)
	}
	out, errOut, status := runChance(t, target, "restore", "--replace", dest)
	if status != 0 || !strings.Contains(out, ".before-restore-") {
		t.Fatalf("restore --replace: exit %d\n%s%s", status, out, errOut)
	}
	aside, err := filepath.Glob(target + ".before-restore-*")
	if err != nil || len(aside) != 1 {
		t.Fatalf("the folder's old contents: %v %v", aside, err)
	}
	if old, err := os.ReadFile(filepath.Join(aside[0], "events.db")); err != nil || string(old) != "not a log" {
		t.Fatalf("the old events.db moved aside: %q %v", old, err)
	}
	if _, err := os.Stat(filepath.Join(target, "snapshots.db")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the old snapshots stayed beside the restored log: %v", err)
	}
	if out, errOut, status := runChance(t, target, "audit", "verify"); status != 0 || !strings.Contains(out, "2 accounts, 4 payments") {
		t.Fatalf("audit verify after restore: exit %d\n%s%s", status, out, errOut)
	}
}

func balanceOf(t *testing.T, base, token string) int64 {
	t.Helper()
	var b struct{ Balance int64 }
	if status, raw := chaosDo(base, "GET", "/billing/amount", token, "", nil); status != http.StatusOK || json.Unmarshal(raw, &b) != nil {
		t.Fatalf("balance: %d %s", status, raw)
	}
	return b.Balance
}
