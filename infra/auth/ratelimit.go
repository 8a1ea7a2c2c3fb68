package auth

import (
	"container/list"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// The buckets are golang.org/x/time/rate token buckets, the Go team's kept
// implementation; this file only decides whose bucket an attempt draws from and
// how many buckets are kept.

// LoginLimits configures a LoginLimiter.
type LoginLimits struct {
	PerEmail   rate.Limit // refill of each email's bucket, attempts per second
	EmailBurst int        // attempts an email may make at once
	PerAddr    rate.Limit // refill of each client address's bucket
	AddrBurst  int        // attempts an address may make at once
	// MaxKeys bounds the buckets kept per kind (emails, addresses); past it the
	// least recently used bucket is dropped. 0 means DefaultMaxKeys.
	MaxKeys int
}

// DefaultMaxKeys bounds memory to roughly 100k × 2 buckets of about 200 bytes.
const DefaultMaxKeys = 100_000

// DefaultLoginLimits: an email gets 5 quick tries, then one every 12 s (300 an
// hour at most: slow for guessing, unnoticed by a person who mistyped); an
// address gets 20, then one a second, which a shared office NAT still fits.
var DefaultLoginLimits = LoginLimits{
	PerEmail:   rate.Every(12 * time.Second),
	EmailBurst: 5,
	PerAddr:    rate.Every(time.Second),
	AddrBurst:  20,
	MaxKeys:    DefaultMaxKeys,
}

// Validate reports limits that would refuse everyone or keep nothing.
func (l LoginLimits) Validate() error {
	var errs []error
	// rate.Inf is refused too: "no limit" is not a sign-in policy, and the
	// bucket arithmetic below assumes a finite rate.
	if l.PerEmail <= 0 || l.PerAddr <= 0 || l.PerEmail == rate.Inf || l.PerAddr == rate.Inf {
		errs = append(errs, fmt.Errorf("rates must be positive and finite (per email %v, per address %v)", l.PerEmail, l.PerAddr))
	}
	if l.EmailBurst < 1 || l.AddrBurst < 1 {
		errs = append(errs, fmt.Errorf("bursts must be at least 1 (per email %d, per address %d)", l.EmailBurst, l.AddrBurst))
	}
	if l.MaxKeys < 0 {
		errs = append(errs, fmt.Errorf("max keys %d is negative", l.MaxKeys))
	}
	return errors.Join(errs...)
}

// LoginLimiter limits sign-in attempts per email (slows guessing one account's
// password) and per client address (slows one client trying many accounts).
// An attempt is let through only if both buckets have a token, and then takes
// one from each; a refused attempt takes nothing. Whether to count every
// attempt or only failed ones is the caller's choice of when to call Allow.
// Safe for concurrent use.
//
// Memory: buckets live in two LRU lists of at most MaxKeys each. Every call
// first drops buckets at the old end that have refilled completely, since a
// full bucket is the same as none (with the defaults, 60 s after an email's
// last attempt, 20 s after an address's). Past MaxKeys the least recently used
// bucket is dropped even if not full; flooding that many keys within a minute
// takes many addresses, as each address is limited itself.
type LoginLimiter struct {
	mu     sync.Mutex
	now    func() time.Time
	emails *buckets
	addrs  *buckets
}

// NewLoginLimiter returns a limiter with the given refill rates and one burst
// for both kinds of bucket, reading the time from now. It panics on a nil clock,
// a rate ≤ 0 or a burst < 1: those are wiring mistakes. Use
// NewLoginLimiterWithLimits for separate bursts, as in DefaultLoginLimits.
func NewLoginLimiter(perEmail, perAddr rate.Limit, burst int, now func() time.Time) *LoginLimiter {
	l, err := NewLoginLimiterWithLimits(LoginLimits{
		PerEmail: perEmail, EmailBurst: burst,
		PerAddr: perAddr, AddrBurst: burst,
	}, now)
	if err != nil {
		panic(err)
	}
	return l
}

// NewLoginLimiterWithLimits returns a limiter configured by limits, reading the
// time from now.
func NewLoginLimiterWithLimits(limits LoginLimits, now func() time.Time) (*LoginLimiter, error) {
	if err := limits.Validate(); err != nil {
		return nil, fmt.Errorf("login limits: %w", err)
	}
	if now == nil {
		return nil, errors.New("login limits: clock is nil")
	}
	maxKeys := limits.MaxKeys
	if maxKeys == 0 {
		maxKeys = DefaultMaxKeys
	}
	return &LoginLimiter{
		now:    now,
		emails: newBuckets(limits.PerEmail, limits.EmailBurst, maxKeys),
		addrs:  newBuckets(limits.PerAddr, limits.AddrBurst, maxKeys),
	}, nil
}

// Allow records a sign-in attempt for email from client address addr and
// reports whether it may proceed. When it may not, retryAfter is how long until
// it would, rounded up to whole seconds for a Retry-After header.
//
// Emails are compared case-insensitively. addr is an IP address, with or
// without a port (the port is ignored: a client gets a new one per
// connection); IPv6 clients are grouped by /64, the block one host is usually
// given, so cycling addresses within it gains nothing.
func (l *LoginLimiter) Allow(email, addr string) (ok bool, retryAfter time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	l.emails.sweep(now)
	l.addrs.sweep(now)

	return takeAll(now, l.emails.get(emailKey(email)), l.addrs.get(addrKey(addr)))
}

// takeAll takes a token from every bucket if each has one now, else none.
// It reserves from each, then gives all back unless all are free now. The
// reservations are each limiter's latest, made and cancelled under the caller's
// lock at one instant, so CancelAt restores exactly the token taken. Asking the
// limiter (rather than comparing TokensAt with 1) keeps the decision the
// library's own: after waiting retryAfter an attempt does get through.
func takeAll(now time.Time, lims ...*rate.Limiter) (ok bool, retryAfter time.Duration) {
	reservations := make([]*rate.Reservation, len(lims))
	var wait time.Duration
	for i, lim := range lims {
		reservations[i] = lim.ReserveN(now, 1)
		wait = max(wait, reservations[i].DelayFrom(now))
	}
	if wait == 0 {
		return true, 0
	}
	for _, r := range reservations {
		r.CancelAt(now)
	}
	return false, ceilSecond(wait)
}

// ceilSecond rounds d up to whole seconds, the unit of a Retry-After header.
func ceilSecond(d time.Duration) time.Duration {
	return (d + time.Second - 1) / time.Second * time.Second
}

func emailKey(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

func addrKey(addr string) string {
	if host, _, err := net.SplitHostPort(addr); err == nil {
		addr = host
	}
	ip, err := netip.ParseAddr(addr)
	if err != nil {
		return addr // not an IP: still a key, just not grouped
	}
	ip = ip.Unmap().WithZone("")
	if ip.Is6() {
		return netip.PrefixFrom(ip, 64).Masked().String()
	}
	return ip.String()
}

// buckets is one kind of bucket (emails or addresses) kept in LRU order.
type buckets struct {
	limit   rate.Limit
	burst   int
	maxKeys int
	byKey   map[string]*list.Element // of *bucket
	lru     *list.List               // front: most recently used
}

type bucket struct {
	key string
	lim *rate.Limiter
}

func newBuckets(limit rate.Limit, burst, maxKeys int) *buckets {
	return &buckets{limit: limit, burst: burst, maxKeys: maxKeys, byKey: map[string]*list.Element{}, lru: list.New()}
}

// get returns key's bucket, marking it used, creating it (full) if missing.
func (b *buckets) get(key string) *rate.Limiter {
	if el, ok := b.byKey[key]; ok {
		b.lru.MoveToFront(el)
		return el.Value.(*bucket).lim
	}
	for b.lru.Len() >= b.maxKeys {
		b.remove(b.lru.Back())
	}
	lim := rate.NewLimiter(b.limit, b.burst) // starts full, whatever the clock says
	b.byKey[key] = b.lru.PushFront(&bucket{key: key, lim: lim})
	return lim
}

// sweep drops full buckets from the old end of the list. It stops at the first
// bucket still refilling, so its cost is proportional to what it drops.
func (b *buckets) sweep(now time.Time) {
	for el := b.lru.Back(); el != nil; el = b.lru.Back() {
		if el.Value.(*bucket).lim.TokensAt(now) < float64(b.burst) {
			return
		}
		b.remove(el)
	}
}

func (b *buckets) remove(el *list.Element) {
	delete(b.byKey, el.Value.(*bucket).key)
	b.lru.Remove(el)
}

// len is the number of buckets kept, for tests.
func (b *buckets) len() int { return b.lru.Len() }
