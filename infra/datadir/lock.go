// Package datadir makes one process the owner of the embedded data folder. The SQLite
// event store and read models trust that nobody else writes their files; a second
// writer (an operator command beside a running server) once broke every later append.
package datadir

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/sys/unix"
)

// FileName is the lock file inside the data folder. It holds the owner's description.
const FileName = "LOCK"

// Owner describes the process holding the lock, for the message a refused one shows.
type Owner struct {
	PID     int       `json:"pid"`
	Command string    `json:"command"`
	Since   time.Time `json:"since"`
	// Socket is the running server's operator socket, where commands that must not
	// open the folder themselves are sent instead (see cmd/chance).
	Socket string `json:"operator_socket,omitempty"`
}

// HeldError: another process owns the folder.
type HeldError struct {
	Dir   string
	Owner Owner // zero if the owner has not described itself yet
}

func (e *HeldError) Error() string {
	who := "another process"
	if e.Owner.PID != 0 {
		who = fmt.Sprintf("process %d (%s, since %s)", e.Owner.PID, e.Owner.Command, e.Owner.Since.Format(time.RFC3339))
	}
	return fmt.Sprintf("the data folder %s is in use by %s", e.Dir, who)
}

// Lock is an exclusive hold on a data folder, released by Release or when the process
// ends (however it ends: the kernel drops a dead process's flock).
type Lock struct {
	file *os.File
}

// Acquire takes the folder's lock without waiting: *HeldError if another process has it.
func Acquire(dir string, owner Owner) (*Lock, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("data folder %s: %w", dir, err)
	}
	path := filepath.Join(dir, FileName)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o640)
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
		defer f.Close()
		if errors.Is(err, unix.EWOULDBLOCK) {
			held := &HeldError{Dir: dir}
			if data, rerr := io.ReadAll(io.LimitReader(f, 4096)); rerr == nil {
				_ = json.Unmarshal(data, &held.Owner) // a description being rewritten reads as none
			}
			return nil, held
		}
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	l := &Lock{file: f}
	if err := l.Describe(owner); err != nil {
		l.Release()
		return nil, err
	}
	return l, nil
}

// Describe replaces the owner's description (the server adds its socket once listening).
func (l *Lock) Describe(owner Owner) error {
	data, err := json.Marshal(owner)
	if err != nil {
		return err
	}
	if err := l.file.Truncate(0); err != nil {
		return fmt.Errorf("describe the lock's owner: %w", err)
	}
	if _, err := l.file.WriteAt(data, 0); err != nil {
		return fmt.Errorf("describe the lock's owner: %w", err)
	}
	return nil
}

// Release gives the folder up; safe to call twice.
func (l *Lock) Release() error {
	if l == nil || l.file == nil {
		return nil
	}
	f := l.file
	l.file = nil
	_ = f.Truncate(0)
	return errors.Join(unix.Flock(int(f.Fd()), unix.LOCK_UN), f.Close())
}
