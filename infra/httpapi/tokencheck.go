package httpapi

import (
	"sync"
	"time"
)

// revocationRecheck is how long a token the users read model called unrevoked is
// trusted without asking it again. A logout on this process is refused at once (see
// revokedTokens); one on another process is refused here within the read model's lag
// plus this. Asking the read model on every request was 3% of a rent's CPU.
const revocationRecheck = time.Second

// maxCheckedTokens bounds the tokens remembered as unrevoked (≈ 100 bytes each).
const maxCheckedTokens = 100_000

// checkedTokens are the tokens the read model called unrevoked, and when.
type checkedTokens struct {
	mu      sync.Mutex
	checked map[string]time.Time
}

func newCheckedTokens() *checkedTokens { return &checkedTokens{checked: map[string]time.Time{}} }

// fresh is true when tokenID was seen unrevoked less than revocationRecheck before now.
func (c *checkedTokens) fresh(tokenID string, now time.Time) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	at, ok := c.checked[tokenID]
	return ok && now.Sub(at) < revocationRecheck && !now.Before(at)
}

// unrevoked records that the read model called tokenID unrevoked at now.
func (c *checkedTokens) unrevoked(tokenID string, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.checked[tokenID]; !ok && len(c.checked) >= maxCheckedTokens {
		for victim := range c.checked { // map order is random: a random eviction
			delete(c.checked, victim)
			break
		}
	}
	c.checked[tokenID] = now
}

// forget drops tokenID (this process revoked it).
func (c *checkedTokens) forget(tokenID string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.checked, tokenID)
}
