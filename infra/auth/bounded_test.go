package auth

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
)

// heldHasher blocks every call until released, counting how many run at once.
type heldHasher struct {
	entered chan struct{}
	release chan struct{}
	running atomic.Int32
	most    atomic.Int32
}

func (h *heldHasher) enter() {
	n := h.running.Add(1)
	for m := h.most.Load(); n > m && !h.most.CompareAndSwap(m, n); m = h.most.Load() {
	}
	h.entered <- struct{}{}
	<-h.release
	h.running.Add(-1)
}

func (h *heldHasher) Hash(string) (string, error)        { h.enter(); return "h", nil }
func (h *heldHasher) Check(string, string) (bool, error) { h.enter(); return true, nil }

func TestBoundedHasherRunsAtMostNAtOnce(t *testing.T) {
	inner := &heldHasher{entered: make(chan struct{}), release: make(chan struct{})}
	b := NewBoundedHasher(inner, 2)
	var wg, started sync.WaitGroup
	for i := range 6 {
		wg.Add(1)
		started.Add(1)
		go func() {
			defer wg.Done()
			started.Done()
			if i%2 == 0 {
				b.Hash(context.Background(), "p") //nolint:errcheck
			} else {
				b.Check(context.Background(), "p", "h") //nolint:errcheck
			}
		}()
	}
	// Two enter; the others wait for a slot. Each release lets one more in.
	started.Wait()
	<-inner.entered
	<-inner.entered
	for range 4 {
		inner.release <- struct{}{}
		<-inner.entered
	}
	inner.release <- struct{}{}
	inner.release <- struct{}{}
	wg.Wait()
	if most := inner.most.Load(); most != 2 {
		t.Fatalf("%d hashes ran at once, want at most (and here exactly) 2", most)
	}
}

func TestBoundedHasherHashesAndChecks(t *testing.T) {
	b := NewBoundedHasher(Hasher{Params: FastParamsForTests}, 1)
	hash, err := b.Hash(context.Background(), "correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := b.Check(context.Background(), "correct horse battery", hash); !ok || err != nil {
		t.Fatalf("check: %v %v", ok, err)
	}
	if ok, _ := b.Check(context.Background(), "wrong", hash); ok {
		t.Fatal("a wrong password passed")
	}
}

func TestAWaiterWhoseRequestEndedGivesUpItsTurn(t *testing.T) {
	inner := &heldHasher{entered: make(chan struct{}), release: make(chan struct{})}
	b := NewBoundedHasher(inner, 1)
	done := make(chan struct{})
	go func() {
		defer close(done)
		b.Hash(context.Background(), "p") //nolint:errcheck
	}()
	<-inner.entered // the one slot is taken

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := b.Check(ctx, "p", "h"); !errors.Is(err, context.Canceled) {
		t.Fatalf("a waiter whose request ended: %v, want context.Canceled without hashing", err)
	}
	inner.release <- struct{}{}
	<-done
	if got := inner.most.Load(); got != 1 {
		t.Fatalf("%d ran at once", got)
	}
}
