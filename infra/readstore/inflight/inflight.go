// Package inflight counts the calls using a read-model generation, so that a promote
// (or Close) can retire the old generation — close its handles, drop its schema — once
// the reads in flight on it finish, without making new reads wait: they go to the new
// generation. A counter per generation rather than a lock per projection also means a
// projector that reads the store inside its Update cannot deadlock against a promote.
package inflight

import "sync"

// Refs counts the calls in flight on one generation.
type Refs struct {
	mu      sync.Mutex
	n       int
	retired bool
	drained chan struct{} // closed once retired and no call uses the generation
}

// New returns a counter for a generation in service.
func New() *Refs { return &Refs{drained: make(chan struct{})} }

// Acquire reports false once the generation is retired: the caller must look up the
// serving generation again.
func (r *Refs) Acquire() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.retired {
		return false
	}
	r.n++
	return true
}

// Release ends a call that Acquire admitted.
func (r *Refs) Release() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.n--
	if r.retired && r.n == 0 {
		close(r.drained)
	}
}

// Retire refuses new calls; the channel closes when the last call in flight releases.
func (r *Refs) Retire() <-chan struct{} {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.retired {
		r.retired = true
		if r.n == 0 {
			close(r.drained)
		}
	}
	return r.drained
}
