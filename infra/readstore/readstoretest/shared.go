package readstoretest

import (
	"errors"
	"sync"
	"testing"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain/pricing"
	"github.com/chance-video/chance/projections"
	"github.com/chance-video/chance/readmodel/catalogue"
)

// A store several processes' runners follow the log into (projections.Shared) lets
// exactly one of them apply each batch: one whose first event the checkpoint has
// passed writes nothing and fails with ErrOvertaken, and the checkpoint never moves
// back. Stores of one process (SQLite) skip it. For a shared store, open is called a
// second time while the first store is open: a second process on the same storage.
func testSharedUpdateBatch(t *testing.T, open func(t *testing.T) Store) {
	s := open(t)
	if _, ok := s.(projections.Shared); !ok {
		t.Skipf("%T is not shared by several processes", s)
	}
	other := open(t)
	ctx := t.Context()
	premiere := func(title string) catalogue.Premiere {
		return catalogue.Premiere{ID: uuid.New(), Title: title, Terms: pricing.Terms{OnlinePrice: 100, StandardHours: 1}, OnSale: true}
	}
	batch := func(s Store, first, reached uint64, p catalogue.Premiere) error {
		return s.(projections.Shared).UpdateBatch(ctx, catalogue.Name, pos(first), pos(reached), func(w projections.Writes) error {
			tx, err := projections.As[catalogue.Writes](catalogue.Name, w)
			if err != nil {
				return err
			}
			return tx.PutPremiere(ctx, p)
		})
	}

	// The very first batch of a projection, given to eight runners in two processes at
	// once: one applies it.
	racers := make([]catalogue.Premiere, 8)
	errs := make([]error, len(racers))
	var wg sync.WaitGroup
	for i := range racers {
		racers[i] = premiere("Гонка")
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = batch([]Store{s, other}[i%2], 1, 10, racers[i])
		}()
	}
	wg.Wait()
	applied := 0
	for i, err := range errs {
		_, found := mustPremiere(t, s, racers[i].ID)
		switch {
		case err == nil:
			applied++
			if !found {
				t.Errorf("runner %d applied the batch but its row is missing", i)
			}
		case errors.Is(err, projections.ErrOvertaken):
			if found {
				t.Errorf("runner %d was overtaken but wrote its row", i)
			}
		default:
			t.Errorf("runner %d: %v", i, err)
		}
	}
	if applied != 1 {
		t.Errorf("%d runners applied the same batch, want 1", applied)
	}
	if got := checkpoint(t, other, catalogue.Name); got != pos(10) {
		t.Errorf("checkpoint %s after the race, want 10", got)
	}

	// A batch that starts at or before the checkpoint is refused, even if it ends past it.
	for _, first := range []uint64{5, 10} {
		late := premiere("Опоздавшая")
		if err := batch(other, first, 15, late); !errors.Is(err, projections.ErrOvertaken) {
			t.Errorf("a batch from %d with the checkpoint at 10: %v, want %v", first, err, projections.ErrOvertaken)
		}
		if _, found := mustPremiere(t, s, late.ID); found {
			t.Errorf("a batch from %d with the checkpoint at 10 wrote its row", first)
		}
	}
	next := premiere("Следующая")
	if err := batch(other, 11, 15, next); err != nil {
		t.Fatalf("the batch right after the checkpoint: %v", err)
	}
	if _, found := mustPremiere(t, s, next.ID); !found || checkpoint(t, s, catalogue.Name) != pos(15) {
		t.Errorf("the batch after the checkpoint: row found %v, checkpoint %s, want 15", found, checkpoint(t, s, catalogue.Name))
	}

	// A plain Update from a process that is behind never moves the checkpoint back.
	if err := s.Update(ctx, catalogue.Name, pos(12), func(projections.Writes) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if got := checkpoint(t, other, catalogue.Name); got != pos(15) {
		t.Errorf("an update to 12 moved the checkpoint from 15 to %s", got)
	}
}
