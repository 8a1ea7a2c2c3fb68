package bus

import (
	"fmt"
	"time"
)

// Retry bounds how often a failing handler is tried before its message is
// dead-lettered: Attempts tries in all, pausing FirstPause after the first failure and
// twice as long after each next one, up to MaxPause. A busy store or a lookup that
// fails for a moment gets time to recover; a message that can never be handled holds
// its handler for at most the sum of the pauses.
type Retry struct {
	Attempts   int           // tries in all, the first included; default 5
	FirstPause time.Duration // default 100 ms
	MaxPause   time.Duration // default 5 s
}

// Defaults of Retry.
const (
	DefaultAttempts   = 5
	DefaultFirstPause = 100 * time.Millisecond
	DefaultMaxPause   = 5 * time.Second
)

func (r Retry) withDefaults() Retry {
	if r.Attempts == 0 {
		r.Attempts = DefaultAttempts
	}
	if r.FirstPause == 0 {
		r.FirstPause = DefaultFirstPause
	}
	if r.MaxPause == 0 {
		r.MaxPause = max(DefaultMaxPause, r.FirstPause)
	}
	return r
}

// Validate reports settings that cannot work. Zero values take the defaults.
func (r Retry) Validate() error {
	r = r.withDefaults()
	switch {
	case r.Attempts < 1 || r.Attempts > 100:
		return fmt.Errorf("retry: %d attempts; want 1 to 100", r.Attempts)
	case r.FirstPause < 0 || r.MaxPause < r.FirstPause:
		return fmt.Errorf("retry: pauses from %s up to %s; want a positive first pause no longer than the longest", r.FirstPause, r.MaxPause)
	case r.MaxPause > 10*time.Minute:
		return fmt.Errorf("retry: longest pause %s; want at most 10m (a handler holds its messages meanwhile)", r.MaxPause)
	}
	return nil
}
