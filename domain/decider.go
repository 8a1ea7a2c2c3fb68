package domain

// Decider bundles an aggregate's three pure functions so that generic code (the
// command loop, the given/when/then tests) can run any aggregate.
//
// WARNING: Evolve must never change the state it is given, nor anything it shares
// (maps, slices): it returns a new state. The command service caches folded states,
// shares them between goroutines and evolves them again after a failed append, so an
// Evolve that wrote in place would corrupt the cache. Large collections in a state are
// persistent (domain/idmap) or copied on write.
type Decider[S, C any] struct {
	Initial func() S
	Decide  func(C, S) ([]Event, error)
	Evolve  func(S, Event) S
	// Version names the shape of S and what Evolve makes of events. Bump it whenever
	// either changes: snapshots of states (written by AppendState) are kept under
	// their version and ignored under any other, so the new code folds from the log.
	Version int
}

// Fold applies events to the initial state in order.
func (d Decider[S, C]) Fold(events []Event) S {
	s := d.Initial()
	for _, e := range events {
		s = d.Evolve(s, e)
	}
	return s
}
