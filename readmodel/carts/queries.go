package carts

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain/money"
	"github.com/chance-video/chance/readmodel"
	"github.com/chance-video/chance/readmodel/catalogue"
)

// QueriesRead names the read models these queries read: a read-your-writes wait
// before them covers these and nothing else. A cart is a join: its items come from
// the carts, their titles and prices now from the catalogue.
var QueriesRead = []string{Name, catalogue.Name}

// Queries answers what customers ask of their cart, on the carts' Reads port and, for
// what the items cost now, the catalogue's: a Reads port, so the join cannot write
// another read model's rows.
type Queries struct {
	Reads     Reads
	Catalogue catalogue.Reads
}

// PricedItem is a premiere in the cart with what its term costs now.
type PricedItem struct {
	PremiereID uuid.UUID     `json:"premiere_id"`
	Title      string        `json:"title"`
	Period     int           `json:"period"`
	StartsAt   *time.Time    `json:"starts_at"` // null: when paid
	Price      money.Kopecks `json:"price"`     // 0 when no longer on sale
	OnSale     bool          `json:"on_sale"`
}

// PricedCart is the customer's cart as it would cost now.
type PricedCart struct {
	Items    []PricedItem  `json:"items"`
	Total    money.Kopecks `json:"total"` // of the items on sale
	Currency string        `json:"currency"`
}

// Cart shows the customer's cart priced at the current terms. An item whose premiere
// was withdrawn from sale stays listed, unpriced, so the customer sees why checkout
// refuses it.
func (q Queries) Cart(ctx context.Context, user uuid.UUID) (PricedCart, error) {
	c, err := q.Reads.Cart(ctx, user)
	if err != nil {
		return PricedCart{}, fmt.Errorf("cart of %s: %w", user, err)
	}
	ids := make([]uuid.UUID, len(c.Items))
	for i, it := range c.Items {
		ids[i] = it.PremiereID
	}
	premieres, err := q.Catalogue.Premieres(ctx, ids)
	if err != nil {
		return PricedCart{}, fmt.Errorf("cart of %s: premieres: %w", user, err)
	}
	byID := make(map[uuid.UUID]catalogue.Premiere, len(premieres))
	for _, p := range premieres {
		byID[p.ID] = p
	}
	out := PricedCart{Items: make([]PricedItem, 0, len(c.Items)), Currency: money.Currency}
	for _, it := range c.Items {
		item := PricedItem{PremiereID: it.PremiereID, Period: it.Hours, StartsAt: readmodel.OptionalTime(it.StartsAt)}
		if p, ok := byID[it.PremiereID]; ok {
			item.Title, item.OnSale = p.Title, p.OnSale
			if p.OnSale {
				item.Price = p.Terms.Quote(it.Hours)
			}
		}
		out.Total += item.Price
		out.Items = append(out.Items, item)
	}
	return out, nil
}
