package clock

import (
	"testing"
	"time"
)

func TestManual(t *testing.T) {
	start := time.Date(2026, 11, 30, 12, 0, 0, 0, time.FixedZone("MSK", 3*3600))
	c := NewManual(start)
	if !c.Now().Equal(start) || c.Now().Location() != time.UTC {
		t.Fatalf("Now = %v, want %v in UTC", c.Now(), start)
	}
	c.Advance(90 * time.Minute)
	if got := c.Now().Sub(start); got != 90*time.Minute {
		t.Fatalf("advanced by %s", got)
	}
	if (System{}).Now().Location() != time.UTC {
		t.Fatal("system clock not in UTC")
	}
}
