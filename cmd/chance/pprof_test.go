package main

import (
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
)

// The profiler listens only where CHANCE_PPROF_ADDR says, and only on loopback.
func TestProfilerOnlyOnLoopbackWhenAsked(t *testing.T) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	env := func(v string) func(string) (string, bool) {
		return func(k string) (string, bool) { return v, k == pprofEnv && v != "" }
	}
	stop, err := startProfiler(env(""), log)
	if err != nil {
		t.Fatal(err)
	}
	stop()
	for _, bad := range []string{"0.0.0.0:6060", ":6060", "10.0.0.1:6060", "nonsense"} {
		if _, err := startProfiler(env(bad), log); err == nil || !strings.Contains(err.Error(), pprofEnv) {
			t.Errorf("%s=%s: %v", pprofEnv, bad, err)
		}
	}
	stop, err = startProfiler(env("127.0.0.1:18119"), log)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	resp, err := http.Get("http://127.0.0.1:18119/debug/pprof/cmdline")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("pprof answered %d", resp.StatusCode)
	}
}
