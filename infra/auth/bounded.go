package auth

import "context"

// BoundedHasher lets at most n hashes run at once. Each argon2id hash takes its
// params' memory (19 MiB by default) for as long as it runs, so a burst of sign-ins and
// registrations from many addresses (the login limiter is per address) would take
// memory by the burst's size; beyond n, callers wait their turn before allocating
// anything. Hashing is CPU-bound, so n above the cores gains nothing anyway.
type BoundedHasher struct {
	hasher interface {
		Hash(plain string) (string, error)
		Check(plain, hash string) (bool, error)
	}
	slots chan struct{}
}

// NewBoundedHasher bounds h to n hashes at once (at least 1).
func NewBoundedHasher(h interface {
	Hash(plain string) (string, error)
	Check(plain, hash string) (bool, error)
}, n int) *BoundedHasher {
	return &BoundedHasher{hasher: h, slots: make(chan struct{}, max(n, 1))}
}

// Hash is h.Hash in a slot. A caller whose ctx ends while it waits gives up its turn
// (a client that left must not still cost a hash).
func (b *BoundedHasher) Hash(ctx context.Context, plain string) (string, error) {
	if err := b.acquire(ctx); err != nil {
		return "", err
	}
	defer b.release()
	return b.hasher.Hash(plain)
}

// Check is h.Check in a slot, given up like Hash's.
func (b *BoundedHasher) Check(ctx context.Context, plain, hash string) (bool, error) {
	if err := b.acquire(ctx); err != nil {
		return false, err
	}
	defer b.release()
	return b.hasher.Check(plain, hash)
}

func (b *BoundedHasher) acquire(ctx context.Context) error {
	select {
	case b.slots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (b *BoundedHasher) release() { <-b.slots }

// MemoryKiB is what one hash with h's params takes.
func (h Hasher) MemoryKiB() int { return int(h.params().MemoryKiB) }
