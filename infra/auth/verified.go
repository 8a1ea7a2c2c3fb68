package auth

import (
	"slices"
	"sync"
	"time"
)

// verifiedTokens remembers tokens Verify accepted, by their exact text, so that a
// client's next requests skip the base64, JSON and HMAC work (2% of a rent's CPU): the
// same text under the same key always verifies to the same claims. Only the times are
// checked again on each use; a token outside them is parsed in full, which gives the
// library's own error.
type verifiedTokens struct {
	mu     sync.Mutex
	claims map[string]Claims
}

// maxVerifiedTokens bounds the memory (≈ 500 bytes a token): past it a random token
// is forgotten, and verified in full when it comes back.
const maxVerifiedTokens = 10_000

func (v *verifiedTokens) get(token string, now time.Time) (Claims, bool) {
	v.mu.Lock()
	c, ok := v.claims[token]
	v.mu.Unlock()
	if !ok || !now.Before(c.ExpiresAt) || now.Before(c.IssuedAt) {
		return Claims{}, false
	}
	c.Roles = slices.Clone(c.Roles) // the caller's own copy, as from a parse
	return c, true
}

func (v *verifiedTokens) add(token string, c Claims) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.claims == nil {
		v.claims = make(map[string]Claims)
	}
	if _, ok := v.claims[token]; !ok && len(v.claims) >= maxVerifiedTokens {
		for victim := range v.claims { // map order is random: a random eviction
			delete(v.claims, victim)
			break
		}
	}
	c.Roles = slices.Clone(c.Roles)
	v.claims[token] = c
}
