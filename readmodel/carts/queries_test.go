package carts_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain/money"
	"github.com/chance-video/chance/domain/pricing"
	"github.com/chance-video/chance/queries/querytest"
	"github.com/chance-video/chance/readmodel/carts"
	"github.com/chance-video/chance/readmodel/catalogue"
)

func TestCartIsPricedAtCurrentTerms(t *testing.T) {
	store := querytest.Open(t)
	q := carts.Queries{Reads: store, Catalogue: store}
	ctx := context.Background()
	start := time.Date(2026, 12, 1, 18, 0, 0, 0, time.UTC)
	premiere := func(title string, price money.Kopecks, hours, discount int, onSale bool) catalogue.Premiere {
		p := catalogue.Premiere{ID: uuid.New(), Title: title, TheaterPrice: 300000, OnSale: onSale, PublishedAt: start, UpdatedAt: start,
			Terms: pricing.Terms{OnlinePrice: price, StandardHours: hours, DiscountPercent: discount}}
		querytest.Write(store, catalogue.Name, func(tx catalogue.Writes) error { return tx.PutPremiere(ctx, p) })
		return p
	}
	user := uuid.New()
	a := premiere("Маузер", 48000, 48, 0, true)
	b := premiere("Чайка", 10000, 10, 50, true)
	gone := premiere("Снят", 10000, 10, 0, false)
	later := start.Add(24 * time.Hour)
	querytest.Write(store, carts.Name, func(tx carts.Writes) error {
		return tx.PutCart(ctx, carts.Cart{UserID: user, Items: []carts.Item{
			{PremiereID: a.ID, Hours: 24}, {PremiereID: b.ID, Hours: 10, StartsAt: later}, {PremiereID: gone.ID, Hours: 5},
		}})
	})

	view, err := q.Cart(ctx, user)
	if err != nil {
		t.Fatal(err)
	}
	if len(view.Items) != 3 || view.Total != 24000+5000 || view.Currency != "RUB" {
		t.Fatalf("cart = %+v; want 3 items totalling 29000", view)
	}
	first, second, third := view.Items[0], view.Items[1], view.Items[2]
	if first.Title != "Маузер" || first.Price != 24000 || first.Period != 24 || first.StartsAt != nil {
		t.Fatalf("first item = %+v", first)
	}
	if second.Price != 5000 || second.StartsAt == nil || !second.StartsAt.Equal(later) {
		t.Fatalf("second item = %+v", second)
	}
	if third.OnSale || third.Price != 0 || third.Title != "Снят" {
		t.Fatalf("a withdrawn premiere stays listed, unpriced: %+v", third)
	}

	empty, err := q.Cart(ctx, uuid.New())
	if err != nil || len(empty.Items) != 0 || empty.Items == nil || empty.Total != 0 {
		t.Fatalf("empty cart = %+v, %v", empty, err)
	}
}
