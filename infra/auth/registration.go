package auth

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// RegistrationLimits configures a RegistrationLimiter.
type RegistrationLimits struct {
	PerAddr rate.Limit // refill of each client address's bucket, registrations per second
	Burst   int        // registrations an address may make at once
	// MaxKeys bounds the addresses kept; 0 means DefaultMaxKeys.
	MaxKeys int
}

// DefaultRegistrationLimits: an address may register 5 accounts at once (a family
// or an office behind one NAT signing up together), then one every 20 s. A person
// registers once; a script that creates accounts in bulk (issue 7: 600 in 20 s from
// one address) is slowed to 180 an hour per address, and each of those still pays
// for a password hash, so one address cannot flood the user streams or the CPU.
var DefaultRegistrationLimits = RegistrationLimits{
	PerAddr: rate.Every(20 * time.Second),
	Burst:   5,
	MaxKeys: DefaultMaxKeys,
}

// Validate reports limits that would refuse everyone or keep nothing.
func (l RegistrationLimits) Validate() error {
	var errs []error
	if l.PerAddr <= 0 || l.PerAddr == rate.Inf {
		errs = append(errs, fmt.Errorf("rate per address must be positive and finite, not %v", l.PerAddr))
	}
	if l.Burst < 1 {
		errs = append(errs, fmt.Errorf("burst must be at least 1, not %d", l.Burst))
	}
	if l.MaxKeys < 0 {
		errs = append(errs, fmt.Errorf("max keys %d is negative", l.MaxKeys))
	}
	return errors.Join(errs...)
}

// RegistrationLimiter limits registrations per client address, with the same
// buckets and address grouping (IPv6 by /64) as the LoginLimiter. Safe for
// concurrent use.
type RegistrationLimiter struct {
	mu    sync.Mutex
	now   func() time.Time
	addrs *buckets
}

// NewRegistrationLimiter returns a limiter configured by limits, reading the time from now.
func NewRegistrationLimiter(limits RegistrationLimits, now func() time.Time) (*RegistrationLimiter, error) {
	if err := limits.Validate(); err != nil {
		return nil, fmt.Errorf("registration limits: %w", err)
	}
	if now == nil {
		return nil, errors.New("registration limits: clock is nil")
	}
	maxKeys := limits.MaxKeys
	if maxKeys == 0 {
		maxKeys = DefaultMaxKeys
	}
	return &RegistrationLimiter{now: now, addrs: newBuckets(limits.PerAddr, limits.Burst, maxKeys)}, nil
}

// Allow records a registration from client address addr (an IP, with or without a
// port) and reports whether it may proceed; if not, retryAfter is how long until it
// would, in whole seconds.
func (l *RegistrationLimiter) Allow(addr string) (ok bool, retryAfter time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	l.addrs.sweep(now)
	return takeAll(now, l.addrs.get(addrKey(addr)))
}
