package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The chance binary, built once per test run, for the tests that run it as a process.
var built struct {
	once sync.Once
	dir  string
	path string
	err  error
}

func chanceBinary(t testing.TB) string {
	t.Helper()
	built.once.Do(func() {
		built.dir, built.err = os.MkdirTemp("", "chance-bin-")
		if built.err != nil {
			return
		}
		built.path = filepath.Join(built.dir, "chance")
		out, err := exec.Command("go", "build", "-o", built.path, ".").CombinedOutput()
		if err != nil {
			built.err = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if built.err != nil {
		t.Fatal(built.err)
	}
	return built.path
}

func TestMain(m *testing.M) {
	code := m.Run()
	if built.dir != "" {
		os.RemoveAll(built.dir)
	}
	os.Exit(code)
}

// chanceEnv is the environment of a chance process on the data folder dir.
func chanceEnv(dir string) []string {
	env := []string{"CHANCE_DATA_DIR=" + dir, "CHANCE_ADDR=127.0.0.1:0"}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "CHANCE_") {
			env = append(env, kv)
		}
	}
	return env
}

// runChance runs a chance subcommand to its end and returns its output and exit status.
func runChance(t *testing.T, dir string, args ...string) (stdout, stderr string, status int) {
	t.Helper()
	return runChanceWith(t, chanceEnv(dir), args...)
}

// runChanceWith runs a chance subcommand in the environment env.
func runChanceWith(t *testing.T, env []string, args ...string) (stdout, stderr string, status int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, chanceBinary(t), args...)
	cmd.Env = env
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exit):
		status = exit.ExitCode()
	default:
		t.Fatalf("chance %v: %v", args, err)
	}
	return out.String(), errOut.String(), status
}

// server is one `chance serve` process.
type server struct {
	cmd  *exec.Cmd
	base string        // http://127.0.0.1:port/api/v1
	dead chan struct{} // closed once the process has exited
	log  *tailBuffer
	err  error // Wait's result, once dead
}

var servingAddr = regexp.MustCompile(`addr=(http://127\.0\.0\.1:\d+/api/v1)`)

// startServer starts `chance serve` on dir and waits until it answers; extra are more
// NAME=value settings.
func startServer(t *testing.T, dir string, extra ...string) *server {
	t.Helper()
	s := launchServer(t, dir, extra...)
	s.awaitReady(t)
	return s
}

// launchServer starts `chance serve` on dir and waits until it listens.
func launchServer(t testing.TB, dir string, extra ...string) *server {
	t.Helper()
	cmd := exec.Command(chanceBinary(t), "serve")
	cmd.Env = append(chanceEnv(dir), extra...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	s := &server{cmd: cmd, dead: make(chan struct{}), log: &tailBuffer{max: 64 << 10}}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			line := sc.Text()
			s.log.WriteString(line + "\n")
			if m := servingAddr.FindStringSubmatch(line); m != nil {
				select {
				case addr <- m[1]:
				default:
				}
			}
		}
		io.Copy(io.Discard, stderr)
		s.err = cmd.Wait()
		close(s.dead)
	}()
	select {
	case s.base = <-addr:
	case <-s.dead:
		t.Fatalf("chance serve exited before serving: %v\n%s", s.err, s.log)
	case <-time.After(time.Minute):
		s.kill()
		t.Fatalf("chance serve did not start within a minute:\n%s", s.log)
	}
	return s
}

// awaitReady polls the server until it answers a query; the process is up by now
// (it has logged its address), so this waits for at most a short start-up.
func (s *server) awaitReady(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	root := strings.TrimSuffix(s.base, "/api/v1")
	for _, path := range []string{"/readyz", "/api/v1/search/?q=x"} {
		for time.Now().Before(deadline) {
			resp, err := http.Get(root + path)
			if err == nil {
				resp.Body.Close()
				if resp.StatusCode == http.StatusOK {
					return
				}
				if resp.StatusCode == http.StatusNotFound && path == "/readyz" {
					break // no /readyz in this build: ask a query instead
				}
			}
			select {
			case <-s.dead:
				t.Fatalf("chance serve exited while starting: %v\n%s", s.err, s.log)
			case <-time.After(20 * time.Millisecond):
			}
		}
	}
	t.Fatalf("chance serve at %s not ready within 30 s:\n%s", s.base, s.log)
}

// kill ends the process at once, as a power cut would.
func (s *server) kill() {
	_ = s.cmd.Process.Signal(syscall.SIGKILL)
	<-s.dead
}

// stop asks the process to drain and stop, and reports how it ended.
func (s *server) stop(t testing.TB) {
	t.Helper()
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.dead:
		if s.err != nil {
			t.Fatalf("chance serve stopped with %v:\n%s", s.err, s.log)
		}
	case <-time.After(time.Minute):
		s.kill()
		t.Fatalf("chance serve did not stop within a minute of SIGTERM:\n%s", s.log)
	}
}

// tailBuffer keeps the last max bytes written, for failure messages.
type tailBuffer struct {
	mu  sync.Mutex
	max int
	buf []byte
}

func (b *tailBuffer) WriteString(s string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf = append(b.buf, s...)
	if over := len(b.buf) - b.max; over > 0 {
		b.buf = b.buf[over:]
	}
}

func (b *tailBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return string(b.buf)
}
