package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chance-video/chance/infra/config"
	"github.com/chance-video/chance/infra/loadtest"
)

// loadtestServer serves the embedded default with the sign-up limits a load test
// needs: the load generator is a trusted proxy naming one address per customer.
func loadtestServer(t *testing.T) string {
	base, _, stop := loadtestServerIn(t, t.TempDir())
	t.Cleanup(func() {
		if err := stop(); err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	return base
}

// loadtestServerIn is loadtestServer on dir, stopped by the caller.
func loadtestServerIn(t *testing.T, dir string) (base, dataDir string, stop func() error) {
	cfg := config.Defaults()
	cfg.DataDir = dir
	cfg.TrustedProxies = []string{"127.0.0.1"}
	base, stop = startServe(t, cfg)
	untilReady(t, base+"/search/?limit=1")
	return base, dir, stop
}

// The mixed scenario does every operation against a real server, none fails, and the
// report names each with its percentiles and the events the run added to the log.
func TestLoadtestMixedAgainstServe(t *testing.T) {
	base := loadtestServer(t)
	cfg := loadtest.Defaults()
	cfg.URL, cfg.Concurrency, cfg.Customers, cfg.Duration, cfg.Scenario = base, 2, 4, 1500*time.Millisecond, "mixed"
	cfg.Mix = "rent=2,fill=1,checkout=1,cancel=1,premiere=1"
	report, err := loadtest.Run(context.Background(), cfg, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]loadtest.Result{}
	for _, r := range report.Results {
		got[r.Op] = r
		if len(r.Errors) > 0 {
			t.Errorf("%s failed: %v", r.Op, r.Errors)
		}
		if r.Count > 0 && (r.P50 <= 0 || r.P50 > r.P99 || r.P99 > r.Max) {
			t.Errorf("%s: percentiles out of order: p50 %s p99 %s max %s", r.Op, r.P50, r.P99, r.Max)
		}
	}
	for _, op := range []string{"rent", "fill", "checkout", "cart-item", "checkout-form", "cancel", "premiere"} {
		if got[op].Count == 0 {
			t.Errorf("no successful %s in %v", op, report.Results)
		}
	}
	if report.EventsBefore < 0 || report.EventsAfter <= report.EventsBefore {
		t.Errorf("events in the log: %d before, %d after", report.EventsBefore, report.EventsAfter)
	}
	var out bytes.Buffer
	report.Print(&out)
	if !regexp.MustCompile(`(?m)^RESULT scenario=mixed op=rent clients=2 ok=[1-9]\d* per_s=[\d.]+ p50_ms=[\d.]+ p95_ms=[\d.]+ p99_ms=[\d.]+ max_ms=[\d.]+ errors=0$`).Match(out.Bytes()) {
		t.Errorf("no RESULT line for the rents:\n%s", out.String())
	}
}

// The aged scenario ages one account, then compares a top-up on it with one on a new
// account and prints the ratio.
func TestLoadtestAgedAgainstServe(t *testing.T) {
	base := loadtestServer(t)
	cfg := loadtest.Defaults()
	cfg.URL, cfg.Scenario, cfg.AgedEvents, cfg.Duration = base, loadtest.ScenarioAged, 30, 300*time.Millisecond
	report, err := loadtest.Run(context.Background(), cfg, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	report.Print(&out)
	if !regexp.MustCompile(`(?m)^RESULT scenario=aged ratio_p50=\d+\.\d\d$`).Match(out.Bytes()) || !strings.Contains(out.String(), "fill-aged-account") {
		t.Errorf("no ratio in the report:\n%s", out.String())
	}
}

// A scenario the load generator does not know is refused before any request.
func TestLoadtestRefusesBadConfig(t *testing.T) {
	for _, mutate := range []func(*loadtest.Config){
		func(c *loadtest.Config) { c.Scenario = "stampede" },
		func(c *loadtest.Config) { c.Mix = "rent=x" },
		func(c *loadtest.Config) { c.Mix = "teleport=1" },
		func(c *loadtest.Config) { c.Customers = 2 },  // fewer than the 16 clients
		func(c *loadtest.Config) { c.Premieres = 10 }, // without an admin
		func(c *loadtest.Config) { c.URL = "ftp://x" },
	} {
		cfg := loadtest.Defaults()
		mutate(&cfg)
		if err := cfg.Validate(); err == nil {
			t.Errorf("%+v was accepted", cfg)
		}
	}
}

// --acks writes one line per money-moving command answered 2xx: the sign-ups' top-ups
// and every rent, fill, checkout and cancel the report counts as successful, each with
// its own Idempotency-Key, and each key is in the server's event log.
func TestLoadtestAcksEveryAcknowledgedCommand(t *testing.T) {
	base, dir, stop := loadtestServerIn(t, t.TempDir())
	acks := filepath.Join(t.TempDir(), "acks.jsonl")
	cmd := loadtestCommand()
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(io.Discard)
	const customers = 4
	cmd.SetArgs([]string{"--url", base, "--concurrency", "2", "--customers", strconv.Itoa(customers), "--duration", "1500ms",
		"--scenario", "mixed", "--mix", "rent=2,fill=1,checkout=1,cancel=1", "--acks", acks})
	if err := cmd.ExecuteContext(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := stop(); err != nil {
		t.Fatalf("serve: %v", err)
	}
	okByOp := map[string]int{loadtest.OpTopUp: customers}
	for _, m := range regexp.MustCompile(`(?m)^RESULT scenario=mixed op=(\S+) clients=2 ok=(\d+) `).FindAllStringSubmatch(out.String(), -1) {
		n, _ := strconv.Atoi(m[2])
		okByOp[m[1]] = n
	}
	raw, err := os.ReadFile(acks)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(raw), "\n"), "\n")
	gotByOp, keys := map[string]int{}, map[string]loadtest.Ack{}
	for i, line := range lines {
		var a loadtest.Ack
		if err := json.Unmarshal([]byte(line), &a); err != nil {
			t.Fatalf("line %d %q: %v", i+1, line, err)
		}
		if a.Status < 200 || a.Status > 299 || a.Email == "" || a.IdempotencyKey == "" || a.Method != "POST" || len(a.Body) == 0 {
			t.Errorf("line %d is not a whole acknowledgement: %s", i+1, line)
		}
		if _, twice := keys[a.IdempotencyKey]; twice {
			t.Errorf("line %d repeats key %s", i+1, a.IdempotencyKey)
		}
		keys[a.IdempotencyKey] = a
		gotByOp[a.Op]++
	}
	for _, op := range []string{loadtest.OpTopUp, loadtest.OpRent, loadtest.OpFill, loadtest.OpCheckout, loadtest.OpCancel} {
		if gotByOp[op] != okByOp[op] || okByOp[op] == 0 {
			t.Errorf("%s: %d lines in --acks, %d answered 2xx by the report", op, gotByOp[op], okByOp[op])
		}
	}
	if len(lines) != customers+okByOp[loadtest.OpRent]+okByOp[loadtest.OpFill]+okByOp[loadtest.OpCheckout]+okByOp[loadtest.OpCancel] {
		t.Errorf("%d lines for %v", len(lines), okByOp)
	}
	if !strings.Contains(out.String(), fmt.Sprintf("%d acknowledged money-moving commands written to --acks", len(lines))) {
		t.Errorf("the report does not count the lines:\n%s", out.String())
	}

	// chance audit acks finds every line in the log, and names one that is not there.
	t.Setenv("CHANCE_DATA_DIR", dir)
	out.Reset()
	audit := auditCommand()
	audit.SetOut(&out)
	audit.SetArgs([]string{"acks", acks})
	if err := audit.ExecuteContext(context.Background()); err != nil || !strings.Contains(out.String(), fmt.Sprintf("%d acknowledged commands checked, 0 missing", len(lines))) {
		t.Fatalf("audit acks: %v\n%s", err, out.String())
	}
	lost, _ := json.Marshal(loadtest.Ack{Op: loadtest.OpFill, Email: "lost@loadtest.example", Method: "POST", Path: "/billing/fill",
		IdempotencyKey: "never-appended", Status: 201, Body: json.RawMessage(`{}`)})
	if err := os.WriteFile(acks, append(raw, append(lost, '\n')...), 0o600); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	audit = auditCommand()
	audit.SetOut(&out)
	audit.SetArgs([]string{"acks", acks})
	if err := audit.ExecuteContext(context.Background()); err == nil || !strings.Contains(out.String(), "MISSING fill POST /billing/fill of lost@loadtest.example (Idempotency-Key never-appended") {
		t.Fatalf("audit acks with a lost command: %v\n%s", err, out.String())
	}
}
