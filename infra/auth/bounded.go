package auth

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

// Hash is h.Hash in a slot.
func (b *BoundedHasher) Hash(plain string) (string, error) {
	b.slots <- struct{}{}
	defer func() { <-b.slots }()
	return b.hasher.Hash(plain)
}

// Check is h.Check in a slot.
func (b *BoundedHasher) Check(plain, hash string) (bool, error) {
	b.slots <- struct{}{}
	defer func() { <-b.slots }()
	return b.hasher.Check(plain, hash)
}

// MemoryKiB is what one hash with h's params takes.
func (h Hasher) MemoryKiB() int { return int(h.params().MemoryKiB) }
