package main

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"time"
)

// pprofEnv names the address of a profiling listener (net/http/pprof), for profiling
// the whole server under load. Off unless set, never on the API's listener, and only
// on a loopback address: profiles show request data and cost CPU to take.
const pprofEnv = "CHANCE_PPROF_ADDR"

// startProfiler serves /debug/pprof/ on the loopback address lookup(pprofEnv) names,
// if any; stop closes it.
func startProfiler(lookup func(string) (string, bool), log *slog.Logger) (stop func(), err error) {
	addr, ok := lookup(pprofEnv)
	if !ok || addr == "" {
		return func() {}, nil
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("%s=%q is not host:port: %w", pprofEnv, addr, err)
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return nil, fmt.Errorf("%s=%q: profiles are served on a loopback address only (127.0.0.1:PORT)", pprofEnv, addr)
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("%s=%s: %w", pprofEnv, addr, err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	server := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	log.Warn("profiling endpoint open (net/http/pprof)", "addr", "http://"+l.Addr().String()+"/debug/pprof/", "env", pprofEnv)
	go func() {
		if err := server.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("profiling endpoint stopped", "error", err)
		}
	}()
	return func() { _ = server.Close() }, nil
}
