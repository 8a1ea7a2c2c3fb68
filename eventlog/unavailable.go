package eventlog

import (
	"errors"
	"io"
	"net"
	"strings"
)

// Unavailable tells an outage of a store or broker (the connection refused or cut, the
// server shutting down) from a fault of ours: the caller may wait and try again.
func Unavailable(err error) bool {
	var netErr *net.OpError
	if errors.As(err, &netErr) {
		return true
	}
	// A connection closed without a word (a proxy or a failover dropping it).
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return true
	}
	// Drivers mark errors nothing was done by (pgx: "safe to retry").
	var retry interface{ SafeToRetry() bool }
	if errors.As(err, &retry) && retry.SafeToRetry() {
		return true
	}
	// PostgreSQL's SQLSTATE classes 08 (connection exception) and 57P (operator
	// intervention: shutdown, crash, cannot connect now), and 25006 (a read-only
	// transaction: connected to a standby during a failover), read through the method
	// pgx's errors have, so this package needs no driver.
	var coded interface{ SQLState() string }
	if errors.As(err, &coded) {
		state := coded.SQLState()
		return strings.HasPrefix(state, "08") || strings.HasPrefix(state, "57P") || state == "25006"
	}
	return false
}
