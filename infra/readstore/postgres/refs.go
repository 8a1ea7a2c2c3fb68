package postgres

import "sync"

// refs counts the calls using a generation, so that a promote (or Close) can drop the
// old generation's schema once the reads in flight on it finish, without making new
// reads wait: they go to the new generation. DROP SCHEMA would otherwise queue behind
// those reads and make the reads that follow it queue behind the DROP, then fail.
type refs struct {
	mu      sync.Mutex
	n       int
	retired bool
	drained chan struct{} // closed once retired and no call uses the generation
}

func newRefs() *refs { return &refs{drained: make(chan struct{})} }

// acquire reports false once the generation is retired: the caller must look up the
// serving generation again.
func (r *refs) acquire() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.retired {
		return false
	}
	r.n++
	return true
}

func (r *refs) release() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.n--
	if r.retired && r.n == 0 {
		close(r.drained)
	}
}

// retire refuses new calls; the channel closes when the last call in flight releases.
func (r *refs) retire() <-chan struct{} {
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
