package readstoretest

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain/pricing"
	"github.com/chance-video/chance/eventlog"
	"github.com/chance-video/chance/projections"
	"github.com/chance-video/chance/readmodel/all"
	"github.com/chance-video/chance/readmodel/catalogue"
	"github.com/chance-video/chance/readmodel/ledger"
)

// projectors are the shop's read models' projectors; allProjections their names.
var (
	projectors     = all.Projectors()
	allProjections = func() []string {
		names := make([]string, len(projectors))
		for i, p := range projectors {
			names[i] = p.Name()
		}
		return names
	}()
)

func testCheckpoint(t *testing.T, open func(t *testing.T) Store) {
	s := open(t)
	ctx := t.Context()
	for _, name := range allProjections {
		if pos := checkpoint(t, s, name); !pos.IsStart() {
			t.Errorf("%s starts at %s, want the start", name, pos)
		}
	}
	// Both halves are kept (EventStoreDB positions differ in them).
	reached := eventlog.Position{Commit: 1 << 40, Prepare: 1<<40 - 7}
	if err := s.Update(ctx, ledger.Name, reached, func(projections.Writes) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if got := checkpoint(t, s, ledger.Name); got != reached {
		t.Errorf("checkpoint %s, want %s", got, reached)
	}
	for _, name := range allProjections {
		if name != ledger.Name && !checkpoint(t, s, name).IsStart() {
			t.Errorf("updating %s moved the checkpoint of %s", ledger.Name, name)
		}
	}
	next := eventlog.Position{Commit: 1<<40 + 5, Prepare: 1<<40 + 5}
	if err := s.Update(ctx, ledger.Name, next, func(projections.Writes) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if got := checkpoint(t, s, ledger.Name); got != next {
		t.Errorf("checkpoint %s, want %s", got, next)
	}
}

func testUpdateAtomic(t *testing.T, open func(t *testing.T) Store) {
	s := open(t)
	ctx := t.Context()
	kept := catalogue.Premiere{ID: uuid.New(), Title: "Старая", Terms: pricing.Terms{OnlinePrice: 100, StandardHours: 1}, OnSale: true}
	putPremieres(t, s, 5, kept)

	boom := errors.New("projector failed")
	lost := catalogue.Premiere{ID: uuid.New(), Title: "Потерянная", Terms: kept.Terms, OnSale: true}
	err := projections.Update(ctx, s, catalogue.Name, eventlog.Position{Commit: 9, Prepare: 9}, func(tx catalogue.Writes) error {
		changed := kept
		changed.Title = "Изменённая"
		if err := tx.PutPremiere(ctx, changed); err != nil {
			return err
		}
		if err := tx.PutPremiere(ctx, lost); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("update whose fn failed: %v, want an error wrapping %v", err, boom)
	}
	if _, found := mustPremiere(t, s, lost.ID); found {
		t.Error("a failed update wrote a row")
	}
	if got, _ := mustPremiere(t, s, kept.ID); got.Title != kept.Title {
		t.Errorf("a failed update changed a row: title %q", got.Title)
	}
	expectFound(t, s, catalogue.SearchQuery{Text: "Потерянная"})
	expectFound(t, s, catalogue.SearchQuery{Text: "Старая"}, kept.ID)
	if got := checkpoint(t, s, catalogue.Name); got != (eventlog.Position{Commit: 5, Prepare: 5}) {
		t.Errorf("a failed update moved the checkpoint to %s", got)
	}
}

// A store hands each projection's projector its own read model's port and nothing
// else: every other projector refuses the transaction before touching a row.
func testTxRefusesOtherProjections(t *testing.T, open func(t *testing.T) Store) {
	s := open(t)
	ctx := t.Context()
	for _, opened := range allProjections {
		for _, p := range projectors {
			if p.Name() == opened {
				continue
			}
			err := s.Update(ctx, opened, eventlog.Position{Commit: 1, Prepare: 1}, func(w projections.Writes) error {
				return p.Apply(ctx, w, projections.Event{})
			})
			if !errors.Is(err, projections.ErrWrongProjection) {
				t.Errorf("the %s projector given a %s transaction: %v, want %v", p.Name(), opened, err, projections.ErrWrongProjection)
			} else if !strings.Contains(err.Error(), p.Name()) {
				t.Errorf("the error %q does not name %s", err, p.Name())
			}
		}
		if !checkpoint(t, s, opened).IsStart() {
			t.Errorf("refused updates moved the checkpoint of %s", opened)
		}
	}
}
