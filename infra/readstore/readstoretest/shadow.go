package readstoretest

import (
	"context"
	"testing"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain/pricing"
	"github.com/chance-video/chance/eventlog"
	"github.com/chance-video/chance/projections"
	"github.com/chance-video/chance/readmodel"
	"github.com/chance-video/chance/readmodel/accounts"
	"github.com/chance-video/chance/readmodel/catalogue"
)

func pos(n uint64) eventlog.Position { return eventlog.Position{Commit: n, Prepare: n} }

func onSale(title string) catalogue.Premiere {
	return catalogue.Premiere{ID: uuid.New(), Title: title, Terms: pricing.Terms{OnlinePrice: 100, StandardHours: 1}, OnSale: true, PublishedAt: at}
}

func shadowOf(t *testing.T, s Store, projection string) projections.Shadow {
	t.Helper()
	sh, err := s.Shadow(t.Context(), projection)
	if err != nil {
		t.Fatalf("shadow %s: %v", projection, err)
	}
	return sh
}

func testShadowPromote(t *testing.T, open func(t *testing.T) Store) {
	s := open(t)
	ctx := t.Context()
	old := onSale("Старый спектакль")
	putPremieres(t, s, 50, old)
	write(t, s, accounts.Name, 70, func(ctx context.Context, tx accounts.Writes) error { return tx.PutBalance(ctx, uuid.New(), 1) })

	sh := shadowOf(t, s, catalogue.Name)
	if got := checkpoint(t, sh, catalogue.Name); !got.IsStart() {
		t.Errorf("a new shadow starts at %s, want the start", got)
	}
	rebuilt := onSale("Новый спектакль")
	write(t, sh, catalogue.Name, 30, func(ctx context.Context, tx catalogue.Writes) error {
		if _, found, err := tx.Premiere(ctx, old.ID); err != nil || found {
			t.Errorf("a shadow sees the serving rows: found %v, %v", found, err)
		}
		return tx.PutPremiere(ctx, rebuilt)
	})

	// Until Promote, queries and the store's checkpoint are the serving generation's.
	expectFound(t, s, catalogue.SearchQuery{}, old.ID)
	if _, found := mustPremiere(t, s, rebuilt.ID); found {
		t.Error("a shadow row is visible before Promote")
	}
	if got := checkpoint(t, s, catalogue.Name); got != pos(50) {
		t.Errorf("serving checkpoint %s during the rebuild, want 50", got)
	}
	if got := checkpoint(t, sh, catalogue.Name); got != pos(30) {
		t.Errorf("shadow checkpoint %s, want 30", got)
	}
	// The serving generation keeps taking updates meanwhile.
	live := onSale("Живой спектакль")
	putPremieres(t, s, 55, live)
	expectFound(t, s, catalogue.SearchQuery{}, old.ID, live.ID)
	write(t, sh, catalogue.Name, 55, func(ctx context.Context, tx catalogue.Writes) error { return tx.PutPremiere(ctx, live) })

	if err := sh.Promote(ctx); err != nil {
		t.Fatalf("promote: %v", err)
	}
	expectFound(t, s, catalogue.SearchQuery{}, rebuilt.ID, live.ID)
	expectFound(t, s, catalogue.SearchQuery{Text: "Новый"}, rebuilt.ID)
	if _, found := mustPremiere(t, s, old.ID); found {
		t.Error("the old generation's row is still visible after Promote")
	}
	if got := checkpoint(t, s, catalogue.Name); got != pos(55) {
		t.Errorf("checkpoint after Promote %s, want the shadow's 55", got)
	}
	if got := checkpoint(t, s, accounts.Name); got != pos(70) {
		t.Errorf("promoting %s moved the checkpoint of %s to %s", catalogue.Name, accounts.Name, got)
	}

	// The runner goes on writing through the store, into the promoted generation.
	after := onSale("Следующий спектакль")
	putPremieres(t, s, 60, after)
	expectFound(t, s, catalogue.SearchQuery{}, rebuilt.ID, live.ID, after.ID)

	// A promoted shadow is done; a new rebuild can start.
	if err := sh.Update(ctx, catalogue.Name, pos(61), func(projections.Writes) error { return nil }); err == nil {
		t.Error("a promoted shadow accepted an update")
	}
	if err := sh.Promote(ctx); err == nil {
		t.Error("a shadow was promoted twice")
	}
	again := shadowOf(t, s, catalogue.Name)
	if err := again.Discard(ctx); err != nil {
		t.Fatal(err)
	}
	expectFound(t, s, catalogue.SearchQuery{}, rebuilt.ID, live.ID, after.ID)
}

func testShadowDiscard(t *testing.T, open func(t *testing.T) Store) {
	s := open(t)
	ctx := t.Context()
	user := uuid.New()
	write(t, s, accounts.Name, 10, func(ctx context.Context, tx accounts.Writes) error { return tx.PutBalance(ctx, user, 500) })

	sh := shadowOf(t, s, accounts.Name)
	write(t, sh, accounts.Name, 8, func(ctx context.Context, tx accounts.Writes) error { return tx.PutBalance(ctx, user, 999) })
	// The shadow's Tx is bound to its projection like any other.
	err := sh.Update(ctx, accounts.Name, pos(9), func(w projections.Writes) error {
		return catalogue.Projector.Apply(ctx, w, projections.Event{})
	})
	if err == nil {
		t.Error("a shadow's transaction accepted another projection's method")
	}
	if err := sh.Discard(ctx); err != nil {
		t.Fatalf("discard: %v", err)
	}
	if b, err := s.Balance(ctx, user); err != nil || b != 500 {
		t.Errorf("balance after Discard: %d, %v; want the serving 500", b, err)
	}
	if got := checkpoint(t, s, accounts.Name); got != pos(10) {
		t.Errorf("checkpoint after Discard %s, want 10", got)
	}
	if err := sh.Promote(ctx); err == nil {
		t.Error("a discarded shadow was promoted")
	}
	// The next rebuild starts empty, not from the discarded one.
	next := shadowOf(t, s, accounts.Name)
	if got := checkpoint(t, next, accounts.Name); !got.IsStart() {
		t.Errorf("a shadow after a discarded one starts at %s", got)
	}
	if err := next.Discard(ctx); err != nil {
		t.Fatal(err)
	}
	write(t, s, accounts.Name, 11, func(ctx context.Context, tx accounts.Writes) error { return tx.PutBalance(ctx, user, 600) })
	if b, _ := s.Balance(ctx, user); b != 600 {
		t.Errorf("balance after an update past two discarded shadows: %d, want 600", b)
	}
}

func testReopen(t *testing.T, open func(t *testing.T) Store) {
	s := open(t)
	ctx := t.Context()
	old, rebuilt := onSale("Старый спектакль"), onSale("Новый спектакль")
	putPremieres(t, s, 40, old)
	user := uuid.New()
	write(t, s, accounts.Name, 41, func(ctx context.Context, tx accounts.Writes) error { return tx.PutBalance(ctx, user, 700) })
	note := readmodel.Notification{ID: uuid.New(), UserID: user, Kind: "welcome", Channel: "inbox", Subject: "Привет", CreatedAt: at}
	if err := s.AddNotification(ctx, note); err != nil {
		t.Fatal(err)
	}

	sh := shadowOf(t, s, catalogue.Name)
	write(t, sh, catalogue.Name, 42, func(ctx context.Context, tx catalogue.Writes) error { return tx.PutPremiere(ctx, rebuilt) })
	if err := sh.Promote(ctx); err != nil {
		t.Fatal(err)
	}
	later := onSale("После перестройки")
	putPremieres(t, s, 43, later)
	// A build never promoted is lost with the process; the serving generation is not.
	abandoned := shadowOf(t, s, accounts.Name)
	write(t, abandoned, accounts.Name, 5, func(ctx context.Context, tx accounts.Writes) error { return tx.PutBalance(ctx, user, 1) })

	if err := s.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
	s = open(t)

	expectFound(t, s, catalogue.SearchQuery{Text: "Новый"}, rebuilt.ID)
	expectFound(t, s, catalogue.SearchQuery{Text: "Старый"})
	expectFound(t, s, catalogue.SearchQuery{Text: "перестройки"}, later.ID)
	if got := checkpoint(t, s, catalogue.Name); got != pos(43) {
		t.Errorf("catalogue checkpoint after reopen %s, want 43", got)
	}
	if got := checkpoint(t, s, accounts.Name); got != pos(41) {
		t.Errorf("accounts checkpoint after reopen %s, want 41", got)
	}
	if b, err := s.Balance(ctx, user); err != nil || b != 700 {
		t.Errorf("balance after reopen: %d, %v; want 700", b, err)
	}
	if ns, err := s.Notifications(ctx, user, 0); err != nil || len(ns) != 1 || ns[0].ID != note.ID {
		t.Errorf("inbox after reopen: %v, %v", ns, err)
	}
	// And it can be rebuilt again.
	sh = shadowOf(t, s, catalogue.Name)
	if err := sh.Discard(ctx); err != nil {
		t.Fatal(err)
	}
}
