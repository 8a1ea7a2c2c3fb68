package commands

import (
	"sync"

	"github.com/google/uuid"
)

// completedFlows remembers the orders whose flows this process's requests completed,
// so that Recovery, which resumes every flow it passes, does not run each one a second
// time only to find its events already there (that was a second order's worth of
// stream reads behind every rent). It is a hint, never the truth: an order missing
// from it is resumed, which is always safe, so the set may drop what it cannot hold.
//
// Recovery removes each order as it passes it; a process without the recovery role
// never does, so the set stops taking new orders at maxCompletedFlows.
type completedFlows struct {
	mu     sync.Mutex
	orders map[uuid.UUID]struct{}
}

// maxCompletedFlows bounds the set: about 30 bytes an order, ~2 MB at most; at 2,000
// orders a second it covers the recovery grace and interval (15 s by default) twice.
const maxCompletedFlows = 65_536

func newCompletedFlows() *completedFlows {
	return &completedFlows{orders: map[uuid.UUID]struct{}{}}
}

// done records that order's flow is complete.
func (c *completedFlows) done(order uuid.UUID) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.orders) < maxCompletedFlows {
		c.orders[order] = struct{}{}
	}
}

// take reports whether order's flow was completed here, and forgets it.
func (c *completedFlows) take(order uuid.UUID) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, ok := c.orders[order]
	delete(c.orders, order)
	return ok
}
