package senders

import (
	"context"
	"time"
)

// Wait pauses for d, or until ctx ends. Senders take one so that tests record pauses
// instead of sleeping through them.
type Wait func(ctx context.Context, d time.Duration) error

// sleep waits d with wait, or with a timer when wait is nil.
func sleep(ctx context.Context, d time.Duration, wait Wait) error {
	if wait != nil {
		return wait(ctx, d)
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
