package auth

import (
	"testing"
	"time"

	"github.com/chance-video/chance/infra/clock"
	"golang.org/x/time/rate"
)

func TestRegistrationsPerAddressAreLimited(t *testing.T) {
	clk := clock.NewManual(testStart)
	l, err := NewRegistrationLimiter(DefaultRegistrationLimits, clk.Now)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		if ok, retry := l.Allow("203.0.113.7:4000" + string(rune('0'+i))); !ok {
			t.Fatalf("registration %d refused (retry %v); a burst of 5 is allowed", i+1, retry)
		}
	}
	ok, retry := l.Allow("203.0.113.7:5555")
	if ok || retry != 20*time.Second {
		t.Fatalf("sixth registration: ok %v, retry %v; want refused for 20s", ok, retry)
	}
	// Another address is untouched; the same /64 of IPv6 is one address.
	if ok, _ := l.Allow("198.51.100.1"); !ok {
		t.Fatal("another address was refused")
	}
	for range 5 {
		l.Allow("2001:db8::1")
	}
	if ok, _ := l.Allow("2001:db8::ffff"); ok {
		t.Fatal("a sixth registration from the same IPv6 /64 was let through")
	}
	clk.Advance(19 * time.Second)
	if ok, _ := l.Allow("203.0.113.7"); ok {
		t.Fatal("let through before retryAfter")
	}
	clk.Advance(time.Second)
	if ok, _ := l.Allow("203.0.113.7"); !ok {
		t.Fatal("refused after retryAfter")
	}
}

func TestRegistrationLimitsValidate(t *testing.T) {
	for _, bad := range []RegistrationLimits{{PerAddr: 0, Burst: 1}, {PerAddr: rate.Inf, Burst: 1}, {PerAddr: 1, Burst: 0}, {PerAddr: 1, Burst: 1, MaxKeys: -1}} {
		if _, err := NewRegistrationLimiter(bad, time.Now); err == nil {
			t.Errorf("limits %+v accepted", bad)
		}
	}
	if _, err := NewRegistrationLimiter(DefaultRegistrationLimits, nil); err == nil {
		t.Error("a nil clock was accepted")
	}
}
