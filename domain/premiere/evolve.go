package premiere

import "github.com/chance-video/chance/domain"

// Evolve records a fact in the state; it checks nothing.
func Evolve(s State, e domain.Event) State {
	switch e := e.(type) {
	case Published:
		s = State{ID: e.ID, Card: e.Card, TheaterPrice: e.TheaterPrice, Terms: e.Terms, Published: true}
	case Repriced:
		s.TheaterPrice, s.Terms.OnlinePrice, s.Terms.StandardHours = e.TheaterPrice, e.OnlinePrice, e.StandardHours
	case DiscountChanged:
		s.Terms.DiscountPercent = e.Percent
	case Edited:
		s.Card = e.Card
	case DetailsChanged:
		s.Details = e.Details
	case WithdrawnFromSale:
		s.Withdrawn = true
	}
	return s
}
