package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The storefront's customer journeys in a real browser (e2e/journey.mjs: buying, and
// what follows payment), Debian's chromium driven by playwright-core against the built
// binary, plus the pages' unit tests. It needs /usr/bin/chromium (apt-get install
// --no-install-recommends chromium), node and `npm ci` in e2e/; without them it skips,
// saying what is missing, unless CHANCE_REQUIRE_BROWSER=1 (CI), when it fails instead.
// Screenshots: e2e/artifacts/buy-NN-*.png and after-NN-*.png.
func TestStorefrontJourneyInABrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("a browser journey is not short")
	}
	missing := func(what string) {
		t.Helper()
		if os.Getenv("CHANCE_REQUIRE_BROWSER") == "1" {
			t.Fatalf("%s, and CHANCE_REQUIRE_BROWSER=1", what)
		}
		t.Skip(what + ": skipping the browser journey (CHANCE_REQUIRE_BROWSER=1 makes this a failure)")
	}
	chromium := os.Getenv("CHROMIUM")
	if chromium == "" {
		chromium = "/usr/bin/chromium"
	}
	if _, err := os.Stat(chromium); err != nil {
		missing("no chromium at " + chromium + " (apt-get install --no-install-recommends chromium)")
	}
	node, err := exec.LookPath("node")
	if err != nil {
		missing("no node on PATH")
	}
	dir, err := filepath.Abs(filepath.Join("..", "..", "e2e"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "playwright-core")); err != nil {
		missing("no playwright-core in e2e/node_modules (cd e2e && npm ci)")
	}

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	units, err := filepath.Glob(filepath.Join(dir, "unit", "*.test.mjs"))
	if err != nil || len(units) == 0 {
		t.Fatalf("no unit tests in e2e/unit: %v", err)
	}
	cmd := exec.CommandContext(ctx, node, append([]string{"--test", "journey.mjs"}, units...)...)
	cmd.Dir = dir
	cmd.Env = []string{"CHANCE_BIN=" + chanceBinary(t), "CHROMIUM=" + chromium}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "CHANCE_") && !strings.HasPrefix(kv, "CHROMIUM=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("node --test journey.mjs: %v (screenshots in e2e/artifacts/)\n%s", err, out)
	}
	t.Logf("%s", out)
}
