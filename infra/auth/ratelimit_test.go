package auth

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/chance-video/chance/infra/clock"
	"golang.org/x/time/rate"
)

func newTestLimiter(t *testing.T) (*LoginLimiter, *clock.Manual) {
	t.Helper()
	clk := clock.NewManual(testStart)
	l, err := NewLoginLimiterWithLimits(DefaultLoginLimits, clk.Now)
	if err != nil {
		t.Fatal(err)
	}
	return l, clk
}

func mustAllow(t *testing.T, l *LoginLimiter, email, addr string) {
	t.Helper()
	if ok, retry := l.Allow(email, addr); !ok {
		t.Fatalf("Allow(%q, %q) refused, retry after %v", email, addr, retry)
	}
}

func mustRefuse(t *testing.T, l *LoginLimiter, email, addr string) time.Duration {
	t.Helper()
	ok, retry := l.Allow(email, addr)
	if ok {
		t.Fatalf("Allow(%q, %q) let through", email, addr)
	}
	if retry <= 0 {
		t.Fatalf("Allow(%q, %q) refused with retryAfter %v, want positive", email, addr, retry)
	}
	return retry
}

func TestSixthAttemptForOneEmailRefused(t *testing.T) {
	l, clk := newTestLimiter(t)
	for range 5 {
		mustAllow(t, l, "ann@example.com", "203.0.113.7")
	}
	if retry := mustRefuse(t, l, "ann@example.com", "203.0.113.7"); retry != 12*time.Second {
		t.Fatalf("retryAfter %v, want 12s (one token at 1 per 12 s)", retry)
	}
	// The email is limited wherever the attempt comes from …
	mustRefuse(t, l, "ann@example.com", "198.51.100.1")
	// … and spelling it differently does not help.
	mustRefuse(t, l, "  Ann@Example.COM ", "198.51.100.2")
	// Another account from another address is untouched.
	mustAllow(t, l, "bob@example.com", "198.51.100.3")

	// Moving the clock by less than retryAfter is not enough; by it, is.
	clk.Advance(11 * time.Second)
	if retry := mustRefuse(t, l, "ann@example.com", "203.0.113.7"); retry != time.Second {
		t.Fatalf("retryAfter %v after 11 s, want 1s", retry)
	}
	clk.Advance(time.Second)
	mustAllow(t, l, "ann@example.com", "203.0.113.7")
	mustRefuse(t, l, "ann@example.com", "203.0.113.7") // one token came back, not five

	clk.Advance(time.Minute) // a full refill
	for range 5 {
		mustAllow(t, l, "ann@example.com", "203.0.113.7")
	}
}

func TestAddressLimitAcrossEmails(t *testing.T) {
	l, clk := newTestLimiter(t)
	const addr = "203.0.113.9"
	for i := range 20 {
		mustAllow(t, l, fmt.Sprintf("user%d@example.com", i), addr)
	}
	if retry := mustRefuse(t, l, "fresh@example.com", addr); retry != time.Second {
		t.Fatalf("retryAfter %v, want 1s (one token at 1 per s)", retry)
	}
	// The refusal did not charge the fresh email: from elsewhere it still has 5.
	for range 5 {
		mustAllow(t, l, "fresh@example.com", "198.51.100.4")
	}
	clk.Advance(time.Second)
	mustAllow(t, l, "another@example.com", addr)
	mustRefuse(t, l, "yet-another@example.com", addr)
}

// A refused attempt takes nothing from either bucket, so an address whose
// attempts hit a locked email still has its own budget.
func TestRefusalConsumesNothing(t *testing.T) {
	l, _ := newTestLimiter(t)
	const addr = "203.0.113.10"
	for range 5 {
		mustAllow(t, l, "locked@example.com", addr)
	}
	for range 30 {
		mustRefuse(t, l, "locked@example.com", addr)
	}
	for i := range 15 { // 20 - 5
		mustAllow(t, l, fmt.Sprintf("u%d@example.com", i), addr)
	}
	mustRefuse(t, l, "one-more@example.com", addr)
}

func TestAddressKeys(t *testing.T) {
	for _, tc := range []struct{ a, b string }{
		{"203.0.113.7", "203.0.113.7:51000"},            // port ignored
		{"203.0.113.7", "[::ffff:203.0.113.7]:443"},     // IPv4-mapped IPv6 is IPv4
		{"2001:db8:1:2::1", "[2001:db8:1:2:ffff::9]:1"}, // same /64
		{"fe80::1%eth0", "fe80::2"},                     // zone dropped, same /64
	} {
		if ka, kb := addrKey(tc.a), addrKey(tc.b); ka != kb {
			t.Errorf("addrKey(%q) = %q, addrKey(%q) = %q; want one bucket", tc.a, ka, tc.b, kb)
		}
	}
	for _, tc := range []struct{ a, b string }{
		{"203.0.113.7", "203.0.113.8"},
		{"2001:db8:1:2::1", "2001:db8:1:3::1"}, // next /64
	} {
		if addrKey(tc.a) == addrKey(tc.b) {
			t.Errorf("%q and %q share a bucket", tc.a, tc.b)
		}
	}
}

func TestIPv6AddressesShareTheirSlash64(t *testing.T) {
	l, _ := newTestLimiter(t)
	for i := range 20 {
		mustAllow(t, l, fmt.Sprintf("v6-%d@example.com", i), fmt.Sprintf("[2001:db8:aa:bb::%x]:4000", i+1))
	}
	mustRefuse(t, l, "v6-new@example.com", "2001:db8:aa:bb:1234:5678:9abc:def0")
	mustAllow(t, l, "v6-new@example.com", "2001:db8:aa:bc::1")
}

func TestNewLoginLimiterOneBurst(t *testing.T) {
	clk := clock.NewManual(testStart)
	l := NewLoginLimiter(rate.Every(time.Minute), rate.Every(time.Second), 3, clk.Now)
	for range 3 {
		mustAllow(t, l, "a@example.com", "192.0.2.1")
	}
	if retry := mustRefuse(t, l, "a@example.com", "192.0.2.1"); retry != time.Minute {
		t.Fatalf("retryAfter %v, want 1m", retry)
	}
	mustAllow(t, l, "b@example.com", "192.0.2.2")
}

func TestLoginLimitsValidate(t *testing.T) {
	now := clock.NewManual(testStart).Now
	for name, limits := range map[string]LoginLimits{
		"zero rate":  {PerEmail: 0, EmailBurst: 5, PerAddr: 1, AddrBurst: 20},
		"no limit":   {PerEmail: rate.Inf, EmailBurst: 5, PerAddr: 1, AddrBurst: 20},
		"zero burst": {PerEmail: 1, EmailBurst: 0, PerAddr: 1, AddrBurst: 20},
		"negative":   {PerEmail: 1, EmailBurst: 5, PerAddr: -1, AddrBurst: 20},
		"minus keys": {PerEmail: 1, EmailBurst: 5, PerAddr: 1, AddrBurst: 20, MaxKeys: -1},
	} {
		if _, err := NewLoginLimiterWithLimits(limits, now); err == nil {
			t.Errorf("%s: accepted %+v", name, limits)
		}
	}
	if _, err := NewLoginLimiterWithLimits(DefaultLoginLimits, nil); err == nil {
		t.Error("accepted a nil clock")
	}
	defer func() {
		if recover() == nil {
			t.Error("NewLoginLimiter with burst 0 did not panic")
		}
	}()
	NewLoginLimiter(1, 1, 0, now)
}

func TestMemoryIsBounded(t *testing.T) {
	clk := clock.NewManual(testStart)
	limits := DefaultLoginLimits
	limits.MaxKeys = 50
	l, err := NewLoginLimiterWithLimits(limits, clk.Now)
	if err != nil {
		t.Fatal(err)
	}
	// 1000 addresses each trying one email: the cap holds throughout.
	for i := range 1000 {
		l.Allow(fmt.Sprintf("flood%d@example.com", i), fmt.Sprintf("10.0.%d.%d", i/256, i%256))
		if l.emails.len() > 50 || l.addrs.len() > 50 {
			t.Fatalf("after %d attempts: %d emails, %d addresses kept; cap is 50", i+1, l.emails.len(), l.addrs.len())
		}
	}
	// Once they have refilled, idle buckets go at the next attempt.
	clk.Advance(time.Minute)
	mustAllow(t, l, "late@example.com", "192.0.2.50")
	if e, a := l.emails.len(), l.addrs.len(); e != 1 || a != 1 {
		t.Fatalf("after a minute idle: %d emails, %d addresses kept, want 1 and 1", e, a)
	}
}

// Buckets still refilling survive the sweep: dropping one would hand an
// attacker a fresh burst.
func TestSweepKeepsLiveBuckets(t *testing.T) {
	l, clk := newTestLimiter(t)
	for range 5 {
		mustAllow(t, l, "target@example.com", "192.0.2.60")
	}
	clk.Advance(30 * time.Second) // 2.5 of 5 tokens back: not idle yet
	mustAllow(t, l, "other@example.com", "192.0.2.61")
	mustAllow(t, l, "target@example.com", "192.0.2.62")
	mustAllow(t, l, "target@example.com", "192.0.2.62")
	mustRefuse(t, l, "target@example.com", "192.0.2.62")
}

func TestLimiterConcurrent(t *testing.T) {
	l, clk := newTestLimiter(t)
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		allowed int
	)
	for g := range 8 {
		wg.Go(func() {
			for range 100 {
				if ok, _ := l.Allow("shared@example.com", fmt.Sprintf("192.0.2.%d", g)); ok {
					mu.Lock()
					allowed++
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	if allowed != 5 {
		t.Fatalf("%d concurrent attempts let through for one email, want exactly 5", allowed)
	}
	clk.Advance(time.Hour)
}

// Waiting exactly retryAfter is always enough, even for rates whose float
// arithmetic lands just under a whole token (1 per 49 s is one).
func TestRetryAfterIsEnough(t *testing.T) {
	for _, every := range []time.Duration{7 * time.Second, 12 * time.Second, 49 * time.Second, 98 * time.Second, 1500 * time.Millisecond} {
		clk := clock.NewManual(testStart)
		l := NewLoginLimiter(rate.Every(every), rate.Every(every), 1, clk.Now)
		mustAllow(t, l, "a@example.com", "192.0.2.1")
		for range 3 {
			retry := mustRefuse(t, l, "a@example.com", "192.0.2.1")
			if retry%time.Second != 0 || retry < every || retry >= every+time.Second {
				t.Fatalf("every %v: retryAfter %v, want %v rounded up to seconds", every, retry, every)
			}
			clk.Advance(retry)
			mustAllow(t, l, "a@example.com", "192.0.2.1")
		}
	}
}
