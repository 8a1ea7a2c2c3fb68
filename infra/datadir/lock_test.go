package datadir

import (
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

func TestOneOwnerAtATime(t *testing.T) {
	dir := t.TempDir()
	since := time.Date(2026, 12, 2, 6, 0, 0, 0, time.UTC)
	first, err := Acquire(dir, Owner{PID: 4242, Command: "serve", Since: since, Socket: "/tmp/x.sock"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = Acquire(dir, Owner{PID: 1, Command: "replay"})
	var held *HeldError
	if !errors.As(err, &held) {
		t.Fatalf("second acquire: %v, want *HeldError", err)
	}
	if held.Owner.PID != 4242 || held.Owner.Socket != "/tmp/x.sock" || !strings.Contains(held.Error(), "process 4242 (serve") {
		t.Fatalf("held by %+v: %q", held.Owner, held.Error())
	}
	if err := first.Release(); err != nil {
		t.Fatal(err)
	}
	if err := first.Release(); err != nil {
		t.Fatalf("second release: %v", err)
	}
	again, err := Acquire(dir, Owner{PID: 2, Command: "replay"})
	if err != nil {
		t.Fatalf("after release: %v", err)
	}
	again.Release()
}

// A process killed with -9 never releases; the kernel does. Shown with a child process
// that takes the lock and is killed.
func TestTheLockDiesWithItsProcess(t *testing.T) {
	if os.Getenv("DATADIR_HOLD") != "" {
		if _, err := Acquire(os.Getenv("DATADIR_HOLD"), Owner{PID: os.Getpid(), Command: "child"}); err != nil {
			os.Exit(3)
		}
		os.Stdout.WriteString("held\n")
		select {} // until killed
	}
	dir := t.TempDir()
	child := exec.Command(os.Args[0], "-test.run=^TestTheLockDiesWithItsProcess$")
	child.Env = append(os.Environ(), "DATADIR_HOLD="+dir)
	out, err := child.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 5)
	if _, err := out.Read(buf); err != nil || string(buf) != "held\n" {
		t.Fatalf("child did not take the lock: %q %v", buf, err)
	}
	var held *HeldError
	if _, err := Acquire(dir, Owner{}); !errors.As(err, &held) || held.Owner.Command != "child" {
		t.Fatalf("while the child holds it: %v", err)
	}
	_ = child.Process.Kill()
	_ = child.Wait()
	l, err := Acquire(dir, Owner{})
	if err != nil {
		t.Fatalf("after the holder was killed: %v", err)
	}
	l.Release()
}
