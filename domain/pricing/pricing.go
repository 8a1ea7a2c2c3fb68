// Package pricing computes what a term costs under a premiere's pricing terms.
package pricing

import (
	"fmt"

	"github.com/chance-video/chance/domain"
	"github.com/chance-video/chance/domain/money"
	"github.com/chance-video/chance/domain/term"
)

// MaxDiscountPercent keeps every quote above zero: a free rental is not a sale.
const MaxDiscountPercent = 99

// Terms are what a price is computed from. A rental locks the terms it was bought
// with, so what it has cost so far always equals Quote(current term).
type Terms struct {
	OnlinePrice     money.Kopecks `json:"online_price"`     // for StandardHours
	StandardHours   int           `json:"standard_hours"`   // the premiere's reservation time
	DiscountPercent int           `json:"discount_percent"` // 0..99
}

// Check rejects terms that cannot price a rental.
func (t Terms) Check() error {
	// The messages name the fields as clients send them: the generic checks' words
	// ("amount", "period") read as if another field were wrong.
	if money.CheckOperation(t.OnlinePrice) != nil {
		return domain.Invalid(fmt.Sprintf("online_price must be a whole number of kopecks from %d to %d, got %d", money.MinOperation, money.MaxOperation, t.OnlinePrice))
	}
	if term.CheckHours(t.StandardHours) != nil {
		return domain.Invalid(fmt.Sprintf("reservation_hours must be a whole number of hours from %d to %d, got %d", term.MinHours, term.MaxHours, t.StandardHours))
	}
	if t.DiscountPercent < 0 || t.DiscountPercent > MaxDiscountPercent {
		return domain.Invalid(fmt.Sprintf("discount_percent must be from 0 to %d, got %d", MaxDiscountPercent, t.DiscountPercent))
	}
	return nil
}

// CheckForSale rejects terms a premiere may not be offered at: beyond Check, every hour
// must cost at least a kopeck after the discount, or rounding would give hours away (an
// extension for nothing, a first hour watched and refunded in full on cancelling).
// Rentals keep the terms they were bought at, so only publishing and repricing ask this.
func (t Terms) CheckForSale() error {
	if err := t.Check(); err != nil {
		return err
	}
	if int64(t.OnlinePrice)*int64(100-t.DiscountPercent) < int64(t.StandardHours)*100 {
		return domain.Invalid(fmt.Sprintf("an hour must cost at least 1 kopeck after the discount: online_price %d over reservation_hours %d at %d%% off is less; raise the price or lower the discount",
			t.OnlinePrice, t.StandardHours, t.DiscountPercent))
	}
	return nil
}

// Quote is the price of hours under the terms:
// online_price × hours / standard_hours × (100 − discount) / 100, rounded half up once.
func (t Terms) Quote(hours int) money.Kopecks {
	if hours <= 0 {
		return 0
	}
	numerator := int64(t.OnlinePrice) * int64(hours) * int64(100-t.DiscountPercent)
	return money.DivRoundHalfUp(numerator, int64(t.StandardHours)*100)
}
