package queries

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain/money"
	"github.com/chance-video/chance/readmodel/catalogue"
)

// CartItem is a premiere in the cart with what its term costs now.
type CartItem struct {
	PremiereID uuid.UUID     `json:"premiere_id"`
	Title      string        `json:"title"`
	Period     int           `json:"period"`
	StartsAt   *time.Time    `json:"starts_at"` // null: when paid
	Price      money.Kopecks `json:"price"`     // 0 when no longer on sale
	OnSale     bool          `json:"on_sale"`
}

// Cart is the customer's cart.
type Cart struct {
	Items    []CartItem    `json:"items"`
	Total    money.Kopecks `json:"total"` // of the items on sale
	Currency string        `json:"currency"`
}

// Cart shows the customer's cart priced at the current terms. An item whose premiere
// was withdrawn from sale stays listed, unpriced, so the customer sees why checkout
// refuses it.
func (q *Service) Cart(ctx context.Context, user uuid.UUID) (Cart, error) {
	c, err := q.store.Cart(ctx, user)
	if err != nil {
		return Cart{}, fmt.Errorf("cart of %s: %w", user, err)
	}
	ids := make([]uuid.UUID, len(c.Items))
	for i, it := range c.Items {
		ids[i] = it.PremiereID
	}
	premieres, err := q.store.Premieres(ctx, ids)
	if err != nil {
		return Cart{}, fmt.Errorf("cart of %s: premieres: %w", user, err)
	}
	byID := make(map[uuid.UUID]catalogue.Premiere, len(premieres))
	for _, p := range premieres {
		byID[p.ID] = p
	}
	out := Cart{Items: make([]CartItem, 0, len(c.Items)), Currency: money.Currency}
	for _, it := range c.Items {
		item := CartItem{PremiereID: it.PremiereID, Period: it.Hours, StartsAt: optionalTime(it.StartsAt)}
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
