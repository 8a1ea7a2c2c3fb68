package main

import (
	"bytes"
	"context"
	"io"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chance-video/chance/infra/config"
	"github.com/chance-video/chance/infra/loadtest"
)

// loadtestServer serves the embedded default with the sign-up limits a load test
// needs: the load generator is a trusted proxy naming one address per customer.
func loadtestServer(t *testing.T) string {
	cfg := config.Defaults()
	cfg.DataDir = t.TempDir()
	cfg.TrustedProxies = []string{"127.0.0.1"}
	base, stop := startServe(t, cfg)
	t.Cleanup(func() {
		if err := stop(); err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	untilReady(t, base+"/search/?limit=1")
	return base
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
