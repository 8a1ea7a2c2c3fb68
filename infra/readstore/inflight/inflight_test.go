package inflight

import "testing"

func TestRetireWaitsForCallsInFlight(t *testing.T) {
	r := New()
	first, second := r.Acquire(), r.Acquire() // two calls in flight
	if !first || !second {
		t.Fatal("a serving generation refused a call")
	}
	drained := r.Retire()
	if r.Acquire() {
		t.Fatal("a retired generation admitted a call")
	}
	r.Release()
	select {
	case <-drained:
		t.Fatal("drained with a call still in flight")
	default:
	}
	r.Release()
	<-drained // closes once the last call is done
	if again := r.Retire(); again != drained {
		t.Fatal("retiring twice gave another channel")
	}
}
