package inflight

import "sync/atomic"

// Counted is a pointer to a generation that counts its calls in flight.
type Counted[T any] interface {
	*T
	InFlight() *Refs
}

// Acquire returns the generation serving in slot, counted as in use until release is
// called; ok is false when the slot is empty (the store is closed).
func Acquire[T any, G Counted[T]](slot *atomic.Pointer[T]) (g G, release func(), ok bool) {
	for {
		g = G(slot.Load())
		if g == nil {
			return nil, nil, false
		}
		if g.InFlight().Acquire() {
			return g, g.InFlight().Release, true
		}
		// Retired between the load and the acquire: a promote swapped it; load again.
	}
}

// Swap puts next in slot (nil empties it), waits until no call uses the generation it
// replaced, and returns that one (nil if there was none) for the caller to close or
// drop. The wait is for calls already in flight, which are short; new calls go to next.
func Swap[T any, G Counted[T]](slot *atomic.Pointer[T], next G) G {
	old := G(slot.Swap((*T)(next)))
	if old != nil {
		<-old.InFlight().Retire()
	}
	return old
}
