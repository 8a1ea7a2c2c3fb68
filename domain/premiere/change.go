package premiere

import "github.com/chance-video/chance/domain"

// ErrNothingToChange refuses a Change that names no field.
var ErrNothingToChange = domain.Invalid("nothing to change")

// decideChange splits a Change into the single-purpose commands it stands for,
// completed from the current state — the card into an Edit, the prices and term into
// a Reprice, the discount into a ChangeDiscount, the details into a ChangeDetails — and
// decides them in that order, each on the state the previous ones lead to (a new
// discount is checked against new prices). Any refusal refuses the whole change.
func decideChange(c Change, s State) ([]domain.Event, error) {
	var parts []Command
	if c.Title != nil || c.Actors != nil || c.Description != nil {
		card := s.Card
		card.Title = deref(c.Title, card.Title)
		card.Actors = deref(c.Actors, card.Actors)
		card.Description = deref(c.Description, card.Description)
		parts = append(parts, Edit{Card: card, Now: c.Now})
	}
	if c.TheaterPrice != nil || c.OnlinePrice != nil || c.StandardHours != nil {
		parts = append(parts, Reprice{
			TheaterPrice:  deref(c.TheaterPrice, s.TheaterPrice),
			OnlinePrice:   deref(c.OnlinePrice, s.Terms.OnlinePrice),
			StandardHours: deref(c.StandardHours, s.Terms.StandardHours),
			Now:           c.Now,
		})
	}
	if c.DiscountPercent != nil {
		parts = append(parts, ChangeDiscount{Percent: *c.DiscountPercent, Now: c.Now})
	}
	if c.DurationMinutes != nil || c.Theatre != nil || c.PosterURL != nil {
		parts = append(parts, ChangeDetails{Details: Details{
			DurationMinutes: deref(c.DurationMinutes, s.Details.DurationMinutes),
			Theatre:         deref(c.Theatre, s.Details.Theatre),
			PosterURL:       deref(c.PosterURL, s.Details.PosterURL),
		}, Now: c.Now})
	}
	if len(parts) == 0 {
		return nil, ErrNothingToChange
	}
	var all []domain.Event
	for _, part := range parts {
		events, err := Decide(part, s)
		if err != nil {
			return nil, err
		}
		for _, e := range events {
			s = Evolve(s, e)
		}
		all = append(all, events...)
	}
	return all, nil
}

func deref[T any](p *T, otherwise T) T {
	if p == nil {
		return otherwise
	}
	return *p
}
