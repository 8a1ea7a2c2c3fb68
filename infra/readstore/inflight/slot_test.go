package inflight

import (
	"sync/atomic"
	"testing"
)

type gen struct {
	n    int
	refs *Refs
}

func (g *gen) InFlight() *Refs { return g.refs }

func TestSlotServesTheCurrentGenerationAndDrainsTheOld(t *testing.T) {
	var slot atomic.Pointer[gen]
	if _, _, ok := Acquire(&slot); ok {
		t.Fatal("an empty slot served a generation")
	}
	first := &gen{n: 1, refs: New()}
	slot.Store(first)
	g, release, ok := Acquire(&slot)
	if !ok || g != first {
		t.Fatalf("acquired %v, %v", g, ok)
	}
	swapped := make(chan *gen)
	go func() { swapped <- Swap(&slot, &gen{n: 2, refs: New()}) }()
	// New calls go to the next generation while the old one drains.
	for {
		g2, release2, _ := Acquire(&slot)
		release2()
		if g2.n == 2 {
			break
		}
	}
	select {
	case <-swapped:
		t.Fatal("Swap returned while a call was still using the old generation")
	default:
	}
	release()
	if old := <-swapped; old != first {
		t.Fatalf("Swap returned %v", old)
	}
	if old := Swap[gen](&slot, nil); old.n != 2 {
		t.Fatalf("emptying the slot returned %v", old)
	}
	if _, _, ok := Acquire(&slot); ok {
		t.Fatal("an emptied slot served a generation")
	}
}
