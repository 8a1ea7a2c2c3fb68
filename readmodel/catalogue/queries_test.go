package catalogue_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain"
	"github.com/chance-video/chance/domain/money"
	"github.com/chance-video/chance/domain/pricing"
	"github.com/chance-video/chance/queries/querytest"
	"github.com/chance-video/chance/readmodel/catalogue"
)

var start = time.Date(2026, 12, 1, 18, 0, 0, 0, time.UTC)

// fixture is the catalogue's queries over a real store whose rows the tests write.
type fixture struct {
	store *querytest.Store
	q     catalogue.Queries
}

func newFixture(t *testing.T) *fixture {
	store := querytest.Open(t)
	return &fixture{store: store, q: catalogue.Queries{Reads: store}}
}

func (f *fixture) premiere(title string, price money.Kopecks, hours, discount int, onSale bool) catalogue.Premiere {
	p := catalogue.Premiere{ID: uuid.New(), Title: title, Actors: []string{"Евгений Миронов"}, Description: "Премьера сезона",
		TheaterPrice: 300000, Terms: pricing.Terms{OnlinePrice: price, StandardHours: hours, DiscountPercent: discount},
		OnSale: onSale, PublishedAt: start, UpdatedAt: start}
	querytest.Write(f.store, catalogue.Name, func(tx catalogue.Writes) error { return tx.PutPremiere(context.Background(), p) })
	return p
}

func TestSearchChecksItsFilters(t *testing.T) {
	f := newFixture(t)
	long := string(make([]rune, 201))
	for name, q := range map[string]catalogue.SearchQuery{
		"negative min_price":   {MinPrice: -1},
		"negative max_price":   {MaxPrice: -1},
		"min above max":        {MinPrice: 500, MaxPrice: 100},
		"discount over 100":    {MinDiscount: 101},
		"negative discount":    {MinDiscount: -1},
		"negative page":        {Page: -1},
		"limit over 100":       {Limit: 101},
		"negative limit":       {Limit: -5},
		"unknown sort":         {Sort: "cheapest"},
		"query too long":       {Text: long},
		"actor name too long":  {Actor: long},
		"page beyond the last": {Page: 10_001},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := f.q.Search(context.Background(), q)
			querytest.WantKind(t, err, domain.ErrInvalid)
		})
	}
}

func TestSearchFindsPagesAndShowsCards(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	for i := range 3 {
		f.premiere(fmt.Sprintf("Маузер %d", i), 50000, 48, 10, true)
	}
	f.premiere("Чайка", 40000, 24, 0, true)
	f.premiere("Маузер (снят)", 50000, 48, 0, false)

	page, err := f.q.Search(ctx, catalogue.SearchQuery{Text: "маузер", Limit: 2})
	if err != nil {
		t.Fatal(err)
	}
	if page.Total != 3 || len(page.Items) != 2 || page.Page != 1 || page.Limit != 2 {
		t.Fatalf("page 1 = total %d, %d items, page %d, limit %d; want 3, 2, 1, 2", page.Total, len(page.Items), page.Page, page.Limit)
	}
	card := page.Items[0]
	if card.OnlinePrice != 50000 || card.Price != 45000 || card.DiscountPercent != 10 || card.ReservationHours != 48 ||
		card.TheaterPrice != 300000 || card.Currency != "RUB" || !card.OnSale || len(card.Actors) != 1 {
		t.Fatalf("card = %+v", card)
	}
	page, err = f.q.Search(ctx, catalogue.SearchQuery{Text: "маузер", Limit: 2, Page: 2})
	if err != nil || len(page.Items) != 1 {
		t.Fatalf("page 2 = %+v, %v; want 1 item", page, err)
	}
	page, err = f.q.Search(ctx, catalogue.SearchQuery{})
	if err != nil || page.Limit != 20 || page.Page != 1 || page.Total != 4 {
		t.Fatalf("defaults = %+v, %v; want page 1, limit 20, the 4 on sale", page, err)
	}
}

func TestPremiereAndQuote(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	p := f.premiere("Маузер", 50000, 48, 10, true)
	gone := f.premiere("Снят", 50000, 48, 0, false)

	card, err := f.q.Premiere(ctx, gone.ID)
	if err != nil || card.OnSale {
		t.Fatalf("a withdrawn premiere still has its page, marked off sale: %+v, %v", card, err)
	}
	_, err = f.q.Premiere(ctx, uuid.New())
	querytest.WantKind(t, err, domain.ErrNotFound)

	q, err := f.q.Quote(ctx, p.ID, 12)
	if err != nil {
		t.Fatal(err)
	}
	// 50000 × 12 / 48 × 90 / 100 = 11250
	if q.Price != 11250 || q.Period != 12 || q.PremiereID != p.ID || q.Currency != "RUB" {
		t.Fatalf("quote = %+v", q)
	}
	for _, hours := range []int{0, -1, 721} {
		_, err := f.q.Quote(ctx, p.ID, hours)
		querytest.WantKind(t, err, domain.ErrInvalid)
	}
	_, err = f.q.Quote(ctx, uuid.New(), 12)
	querytest.WantKind(t, err, domain.ErrNotFound)
	_, err = f.q.Quote(ctx, gone.ID, 12)
	querytest.WantKind(t, err, domain.ErrConflict)
}
