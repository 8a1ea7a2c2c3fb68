package readstoretest

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain/pricing"
	"github.com/chance-video/chance/eventlog"
	"github.com/chance-video/chance/projections"
	"github.com/chance-video/chance/readmodel/accounts"
	"github.com/chance-video/chance/readmodel/carts"
	"github.com/chance-video/chance/readmodel/catalogue"
	"github.com/chance-video/chance/readmodel/ledger"
	"github.com/chance-video/chance/readmodel/rentals"
	"github.com/chance-video/chance/readmodel/users"
)

var allProjections = []string{catalogue.Name, accounts.Name, ledger.Name, carts.Name, rentals.Name, users.Name}

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

// foreignCalls makes one call of each projection's write methods on a transaction.
var foreignCalls = map[string]func(ctx context.Context, w projections.Writes) error{
	catalogue.Name: func(ctx context.Context, w projections.Writes) error {
		tx, err := projections.As[catalogue.Writes](catalogue.Name, w)
		if err != nil {
			return err
		}
		return tx.PutPremiere(ctx, catalogue.Premiere{ID: uuid.New(), Title: "x", Terms: pricing.Terms{OnlinePrice: 1, StandardHours: 1}})
	},
	accounts.Name: func(ctx context.Context, w projections.Writes) error {
		tx, err := projections.As[accounts.Writes](accounts.Name, w)
		if err != nil {
			return err
		}
		return tx.PutBalance(ctx, uuid.New(), 1)
	},
	ledger.Name: func(ctx context.Context, w projections.Writes) error {
		tx, err := projections.As[ledger.Writes](ledger.Name, w)
		if err != nil {
			return err
		}
		return tx.AddEntry(ctx, ledger.Entry{Position: 1, EventID: uuid.New(), UserID: uuid.New()})
	},
	carts.Name: func(ctx context.Context, w projections.Writes) error {
		tx, err := projections.As[carts.Writes](carts.Name, w)
		if err != nil {
			return err
		}
		return tx.PutCart(ctx, carts.Cart{UserID: uuid.New()})
	},
	rentals.Name: func(ctx context.Context, w projections.Writes) error {
		tx, err := projections.As[rentals.Writes](rentals.Name, w)
		if err != nil {
			return err
		}
		_, _, err = tx.Rental(ctx, uuid.New())
		return err
	},
	users.Name: func(ctx context.Context, w projections.Writes) error {
		tx, err := projections.As[users.Writes](users.Name, w)
		if err != nil {
			return err
		}
		return tx.RevokeToken(ctx, users.RevokedToken{TokenID: "t", UserID: uuid.New(), ExpiresAt: at})
	},
}

func testTxRefusesOtherProjections(t *testing.T, open func(t *testing.T) Store) {
	s := open(t)
	ctx := t.Context()
	for _, opened := range allProjections {
		for _, owner := range allProjections {
			if owner == opened {
				continue
			}
			var callErr error
			err := s.Update(ctx, opened, eventlog.Position{Commit: 1, Prepare: 1}, func(w projections.Writes) error {
				callErr = foreignCalls[owner](ctx, w)
				return callErr
			})
			if callErr == nil || err == nil {
				t.Errorf("a %s transaction accepted a %s method (call error %v, update error %v)", opened, owner, callErr, err)
				continue
			}
			if !errors.Is(callErr, projections.ErrWrongProjection) {
				t.Errorf("a %s transaction used as %s: %v, want %v", opened, owner, callErr, projections.ErrWrongProjection)
			}
			msg := callErr.Error()
			if !strings.Contains(msg, owner) {
				t.Errorf("the error %q does not name %s", msg, owner)
			}
		}
		if !checkpoint(t, s, opened).IsStart() {
			t.Errorf("refused updates moved the checkpoint of %s", opened)
		}
	}
	// Nothing was written by the refused calls.
	expectFound(t, s, catalogue.SearchQuery{})
	if revoked, _ := s.TokenRevoked(ctx, "t"); revoked {
		t.Error("a refused call revoked a token")
	}
}
