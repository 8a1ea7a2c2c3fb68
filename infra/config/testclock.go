package config

import (
	"fmt"
	"time"
)

// The test clock offset moves this process's clock by a fixed amount, so that a test
// running real processes can make reminders fall due without waiting for hours.
// WARNING: never for production — a process whose clock is off issues reminders and
// expiries early and stamps its events with a wrong time. It is refused unless
// CHANCE_TEST_ONLY_ALLOW_CLOCK_OFFSET=yes says this is a test.
const (
	testClockOffsetVar = "CHANCE_TEST_ONLY_CLOCK_OFFSET"
	testClockAllowVar  = "CHANCE_TEST_ONLY_ALLOW_CLOCK_OFFSET"
)

// testClockFromEnv reads the offset, refusing it unless explicitly allowed.
func testClockFromEnv(lookup func(string) (string, bool), into *time.Duration) error {
	v, ok := lookup(testClockOffsetVar)
	if !ok || v == "" {
		return nil
	}
	if allow, _ := lookup(testClockAllowVar); allow != "yes" {
		return fmt.Errorf("%s is for tests only: it is refused unless %s=yes", testClockOffsetVar, testClockAllowVar)
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < -24*time.Hour || d > 24*time.Hour {
		return fmt.Errorf("%s=%q is not a duration between -24h and 24h", testClockOffsetVar, v)
	}
	*into = d
	return nil
}
