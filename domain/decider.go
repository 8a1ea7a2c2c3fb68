package domain

// Decider bundles an aggregate's three pure functions so that generic code (the
// command loop, the given/when/then tests) can run any aggregate.
//
// Evolve may update the state it is given in place (maps inside it): callers fold
// forward and never reuse an earlier state.
type Decider[S, C any] struct {
	Initial func() S
	Decide  func(C, S) ([]Event, error)
	Evolve  func(S, Event) S
}

// Fold applies events to the initial state in order.
func (d Decider[S, C]) Fold(events []Event) S {
	s := d.Initial()
	for _, e := range events {
		s = d.Evolve(s, e)
	}
	return s
}
