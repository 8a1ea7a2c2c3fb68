package main

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/chance-video/chance/commands"
	"github.com/chance-video/chance/infra/app"
	"github.com/chance-video/chance/infra/clock"
	"github.com/chance-video/chance/infra/config"
	"github.com/chance-video/chance/infra/demo"
	"github.com/chance-video/chance/readmodel/accounts"
)

// bookedShop leaves a data folder whose log has customers who topped up and rented,
// with no projection run yet (as after a crash), and returns it with the customers.
func bookedShop(t *testing.T) (string, []uuid.UUID) {
	t.Helper()
	cfg := config.Defaults()
	cfg.DataDir, cfg.Demo = t.TempDir(), false
	a, err := app.Open(cfg, clock.System{}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	ctx := context.Background()
	if _, err := a.Seed(ctx); err != nil {
		t.Fatal(err)
	}
	var users []uuid.UUID
	for i := range 2 {
		user := uuid.New()
		users = append(users, user)
		req := func(k string) commands.Request { return commands.Request{Key: k, Fingerprint: k} }
		if _, err := a.Commands.Fill(ctx, user, 500_000, req("fill")); err != nil {
			t.Fatal(err)
		}
		premiere := demo.Catalogue()[i].ID
		if _, err := a.Commands.Rent(ctx, user, commands.RentInput{PremiereID: premiere, Hours: 24}, req("rent")); err != nil {
			t.Fatal(err)
		}
	}
	return cfg.DataDir, users
}

func runVerify(t *testing.T, dir string) (string, error) {
	t.Helper()
	t.Setenv("CHANCE_DATA_DIR", dir)
	cmd := auditCommand()
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(io.Discard)
	cmd.SetArgs([]string{"verify"})
	err := cmd.ExecuteContext(context.Background())
	return out.String(), err
}

func TestAuditVerifyCleanShop(t *testing.T) {
	dir, _ := bookedShop(t)
	out, err := runVerify(t, dir)
	if err != nil {
		t.Fatalf("verify: %v\n%s", err, out)
	}
	if !strings.Contains(out, "2 accounts, 4 payments, 4 billing-history lines") || !strings.Contains(out, "result: clean") {
		t.Fatalf("report:\n%s", out)
	}
}

func TestAuditVerifyNamesATamperedAccount(t *testing.T) {
	dir, users := bookedShop(t)
	if out, err := runVerify(t, dir); err != nil { // projects the log, then finds it clean
		t.Fatalf("verify: %v\n%s", err, out)
	}
	tamperBalance(t, dir, users[1])
	out, err := runVerify(t, dir)
	if !errors.Is(err, app.ErrBooksDiffer) {
		t.Fatalf("verify of tampered books = %v, want ErrBooksDiffer\n%s", err, out)
	}
	if !strings.Contains(out, "DIFF account "+users[1].String()+": balance") || strings.Contains(out, users[0].String()) {
		t.Fatalf("report does not name just the tampered account:\n%s", out)
	}
}

// tamperBalance adds a kopeck to a customer's balance row in the embedded read store.
func tamperBalance(t *testing.T, dir string, user uuid.UUID) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "read", accounts.Name+".g*.db"))
	if err != nil || len(files) != 1 {
		t.Fatalf("accounts read model files: %v %v", files, err)
	}
	db, err := sql.Open("sqlite", files[0])
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	res, err := db.Exec("UPDATE balances SET balance = balance + 1 WHERE user_id = ?", user.String())
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		t.Fatalf("tampered %d rows", n)
	}
}

// The binary itself exits 0 on clean books and 1, naming the account, on tampered ones.
func TestAuditVerifyExitStatus(t *testing.T) {
	dir, users := bookedShop(t)
	if out, errOut, status := runChance(t, dir, "audit", "verify"); status != 0 {
		t.Fatalf("clean books: exit %d\n%s%s", status, out, errOut)
	}
	tamperBalance(t, dir, users[0])
	out, errOut, status := runChance(t, dir, "audit", "verify")
	if status != 1 || !strings.Contains(out, "DIFF account "+users[0].String()+": balance") || !strings.Contains(errOut, "differ") {
		t.Fatalf("tampered books: exit %d\n%s%s", status, out, errOut)
	}
}
