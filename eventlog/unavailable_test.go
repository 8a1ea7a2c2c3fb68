package eventlog_test

import (
	"errors"
	"fmt"
	"io"
	"net"
	"testing"

	"github.com/chance-video/chance/eventlog"
)

type sqlState string

func (s sqlState) Error() string    { return "SQLSTATE " + string(s) }
func (s sqlState) SQLState() string { return string(s) }

type retryable bool

func (r retryable) Error() string     { return "driver error" }
func (r retryable) SafeToRetry() bool { return bool(r) }

func TestUnavailable(t *testing.T) {
	for err, want := range map[error]bool{
		fmt.Errorf("read: %w", &net.OpError{Op: "dial", Err: errors.New("connection refused")}): true,
		fmt.Errorf("read: %w", io.ErrUnexpectedEOF):                                             true,
		io.EOF:                       true,
		sqlState("57P01"):            true, // administrator shutdown
		sqlState("08006"):            true, // connection failure
		sqlState("25006"):            true, // read-only: a standby after a failover
		retryable(true):              true,
		retryable(false):             false,
		sqlState("23505"):            false, // unique violation: ours
		sqlState("42P01"):            false, // no such table: ours
		errors.New("something else"): false,
		fmt.Errorf("wrapped: %w", sqlState("57P03")): true,
	} {
		if got := eventlog.Unavailable(err); got != want {
			t.Errorf("Unavailable(%v) = %v, want %v", err, got, want)
		}
	}
}
