package premiere

import (
	"fmt"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain"
	"github.com/chance-video/chance/domain/money"
	"github.com/chance-video/chance/domain/pricing"
)

// State is a premiere folded from its events.
type State struct {
	ID           uuid.UUID
	Card         Card
	TheaterPrice money.Kopecks
	Terms        pricing.Terms
	Details      Details
	Published    bool
	Withdrawn    bool
}

// Initial is a premiere not yet published.
func Initial() State { return State{} }

// OnSale reports whether the premiere can be rented.
func (s State) OnSale() bool { return s.Published && !s.Withdrawn }

// Quote prices a term of hours, if the premiere is on sale.
func (s State) Quote(hours int) (money.Kopecks, error) {
	if !s.Published {
		return 0, ErrNotFound
	}
	if s.Withdrawn {
		return 0, ErrNotOnSale
	}
	price := s.Terms.Quote(hours)
	if price <= 0 {
		return 0, domain.Invalid(fmt.Sprintf("a term of %d hours is too short to be priced", hours))
	}
	return price, nil
}
