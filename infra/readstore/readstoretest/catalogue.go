package readstoretest

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain/pricing"
	"github.com/chance-video/chance/readmodel/catalogue"
)

func canonPremiere(p catalogue.Premiere) catalogue.Premiere {
	p.Actors = nilIfEmpty(p.Actors)
	p.PublishedAt, p.UpdatedAt = utc(p.PublishedAt), utc(p.UpdatedAt)
	return p
}

func putPremieres(t *testing.T, s Store, reached uint64, ps ...catalogue.Premiere) {
	t.Helper()
	write(t, s, catalogue.Name, reached, func(ctx context.Context, tx catalogue.Writes) error {
		for _, p := range ps {
			if err := tx.PutPremiere(ctx, p); err != nil {
				return err
			}
		}
		return nil
	})
}

func mustPremiere(t *testing.T, s Store, id uuid.UUID) (catalogue.Premiere, bool) {
	t.Helper()
	p, found, err := s.Premiere(t.Context(), id)
	if err != nil {
		t.Fatalf("premiere %s: %v", id, err)
	}
	checkUTC(t, "premiere", p.PublishedAt, p.UpdatedAt)
	return p, found
}

func testPremiereRoundTrip(t *testing.T, open func(t *testing.T) Store) {
	s := open(t)
	full := catalogue.Premiere{
		ID: uuid.New(), Title: "Маузер", Actors: []string{"Артём Голованов", "Вера Сташевская"},
		Description: "Жёсткая постановка «о революции».", TheaterPrice: 350_000,
		Terms:           pricing.Terms{OnlinePrice: 49_900, StandardHours: 48, DiscountPercent: 15},
		DurationMinutes: 165, Theatre: "Театр «Современник»", PosterURL: "https://images.example.ru/mauser.jpg?w=600&h=900",
		OnSale: true, PublishedAt: at, UpdatedAt: at.Add(90 * time.Minute),
	}
	bare := catalogue.Premiere{ID: uuid.New(), Title: "Без актёров", Terms: pricing.Terms{OnlinePrice: 100, StandardHours: 1}}
	putPremieres(t, s, 1, full, bare)

	for _, want := range []catalogue.Premiere{full, bare} {
		got, found := mustPremiere(t, s, want.ID)
		if !found {
			t.Fatalf("premiere %s not found", want.ID)
		}
		same(t, "premiere", got, want, canonPremiere)
	}
	if _, found := mustPremiere(t, s, uuid.New()); found {
		t.Error("an unknown premiere was found")
	}

	// A projector reads its own rows inside its transaction, including ones it just wrote.
	write(t, s, catalogue.Name, 2, func(ctx context.Context, tx catalogue.Writes) error {
		got, found, err := tx.Premiere(ctx, full.ID)
		if err != nil || !found {
			t.Errorf("tx premiere %s: found %v, %v", full.ID, found, err)
		}
		same(t, "tx premiere", got, full, canonPremiere)
		fresh := catalogue.Premiere{ID: uuid.New(), Title: "Новая", Terms: full.Terms}
		if err := tx.PutPremiere(ctx, fresh); err != nil {
			return err
		}
		if _, found, err := tx.Premiere(ctx, fresh.ID); err != nil || !found {
			t.Errorf("tx does not see its own write: found %v, %v", found, err)
		}
		_, found, err = tx.Premiere(ctx, uuid.New())
		if err != nil || found {
			t.Errorf("tx unknown premiere: found %v, %v", found, err)
		}
		return nil
	})
}

func testPremiereUpsert(t *testing.T, open func(t *testing.T) Store) {
	s := open(t)
	p := catalogue.Premiere{ID: uuid.New(), Title: "Маузер", Actors: []string{"Артём Голованов"},
		Terms: pricing.Terms{OnlinePrice: 50_000, StandardHours: 48}, OnSale: true, PublishedAt: at}
	putPremieres(t, s, 1, p, p) // twice in one transaction
	putPremieres(t, s, 2, p)    // and again

	res := search(t, s, catalogue.SearchQuery{Text: "Маузер"})
	if res.Total != 1 || len(res.Items) != 1 {
		t.Fatalf("after putting one premiere three times, search finds %d (total %d), want 1", len(res.Items), res.Total)
	}

	// A new title, price and cast replace the old ones, in the search index too.
	p.Title, p.Actors, p.Terms.DiscountPercent, p.UpdatedAt = "Тень", []string{"Полина Рудакова"}, 50, at.Add(time.Hour)
	putPremieres(t, s, 3, p)
	got, _ := mustPremiere(t, s, p.ID)
	same(t, "premiere after upsert", got, p, canonPremiere)
	expectFound(t, s, catalogue.SearchQuery{Text: "Маузер"})
	expectFound(t, s, catalogue.SearchQuery{Actor: "Голованов"})
	expectFound(t, s, catalogue.SearchQuery{Text: "тень"}, p.ID)
	expectFound(t, s, catalogue.SearchQuery{Actor: "Рудакова"}, p.ID)
	expectFound(t, s, catalogue.SearchQuery{MaxPrice: 25_000}, p.ID)
}

func testPremieres(t *testing.T, open func(t *testing.T) Store) {
	s := open(t)
	ids := newIDs(3)
	var ps []catalogue.Premiere
	for i, id := range ids {
		ps = append(ps, catalogue.Premiere{ID: id, Title: "Премьера", Terms: pricing.Terms{OnlinePrice: 100, StandardHours: 1}, OnSale: i != 1})
	}
	putPremieres(t, s, 1, ps...)
	got, err := s.Premieres(t.Context(), []uuid.UUID{ids[2], uuid.New(), ids[1], ids[0]})
	if err != nil {
		t.Fatal(err)
	}
	if !sameIDs(premiereIDs(got), ids) {
		t.Errorf("premieres: got %v, want %v (withdrawn ones too, unknown ids left out)", premiereIDs(got), ids)
	}
	got, err = s.Premieres(t.Context(), nil)
	if err != nil || len(got) != 0 {
		t.Errorf("premieres of no ids: %d, %v", len(got), err)
	}
}

func premiereIDs(ps []catalogue.Premiere) []uuid.UUID {
	ids := make([]uuid.UUID, len(ps))
	for i, p := range ps {
		ids[i] = p.ID
	}
	return ids
}

// sameIDs compares as sets.
func sameIDs(got, want []uuid.UUID) bool {
	if len(got) != len(want) {
		return false
	}
	seen := map[uuid.UUID]int{}
	for _, id := range want {
		seen[id]++
	}
	for _, id := range got {
		if seen[id] == 0 {
			return false
		}
		seen[id]--
	}
	return true
}
