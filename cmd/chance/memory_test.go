package main

import (
	"strings"
	"testing"
)

// The serve process sizes its caches from CHANCE_MEMORY_BUDGET and sets the Go
// runtime's soft limit from the budget's Go share, unless GOMEMLIMIT sets one; its
// start logs the split in one line.
func TestServeAppliesTheMemoryBudget(t *testing.T) {
	for _, c := range []struct {
		env  []string
		want []string
	}{
		{[]string{"CHANCE_MEMORY_BUDGET=64MiB"}, []string{"budget=64MiB", "go_limit=39MiB ", "stream_cache=8MiB", "event_store_cache=\"8MiB"}},
		{[]string{"CHANCE_MEMORY_BUDGET=1GiB", "GOMEMLIMIT=300MiB"}, []string{"budget=1GiB", `go_limit="300MiB (GOMEMLIMIT)"`, "read_model_cache=\"256MiB"}},
	} {
		srv := launchServer(t, t.TempDir(), append([]string{"CHANCE_DEMO=false"}, c.env...)...)
		line := budgetLine(srv.log.String())
		srv.awaitReady(t) // a SIGTERM in the middle of the start is another test's subject
		srv.stop(t)
		for _, want := range c.want {
			if !strings.Contains(line, want) {
				t.Errorf("%v: the budget line lacks %s:\n%s", c.env, want, line)
			}
		}
	}
	_, stderr, status := runChanceWith(t, append(chanceEnv(t.TempDir()), "CHANCE_MEMORY_BUDGET=8MiB"), "serve")
	if status == 0 || !strings.Contains(stderr, "CHANCE_MEMORY_BUDGET=8MiB must be between 32MiB and 1TiB") {
		t.Errorf("a budget below the minimum: status %d, %s", status, stderr)
	}
}
