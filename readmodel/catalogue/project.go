package catalogue

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain/premiere"
	"github.com/chance-video/chance/projections"
)

// Projector keeps the catalogue.
var Projector = projections.NewModel(Name, Project, premiere.Events()...)

// Project applies one premiere event to its card. An event about a premiere never
// published changes nothing.
func Project(ctx context.Context, w Writes, e projections.Event) error {
	switch ev := e.Event.(type) {
	case premiere.Published:
		return w.PutPremiere(ctx, Premiere{
			ID: ev.ID, Title: ev.Card.Title, Actors: ev.Card.Actors, Description: ev.Card.Description,
			TheaterPrice: ev.TheaterPrice, Terms: ev.Terms, OnSale: true, PublishedAt: ev.At, UpdatedAt: ev.At,
		})
	case premiere.Repriced:
		return update(ctx, w, ev.ID, ev.At, func(p *Premiere) {
			p.TheaterPrice, p.Terms.OnlinePrice, p.Terms.StandardHours = ev.TheaterPrice, ev.OnlinePrice, ev.StandardHours
		})
	case premiere.DiscountChanged:
		return update(ctx, w, ev.ID, ev.At, func(p *Premiere) { p.Terms.DiscountPercent = ev.Percent })
	case premiere.Edited:
		return update(ctx, w, ev.ID, ev.At, func(p *Premiere) {
			p.Title, p.Actors, p.Description = ev.Card.Title, ev.Card.Actors, ev.Card.Description
		})
	case premiere.DetailsChanged:
		return update(ctx, w, ev.ID, ev.At, func(p *Premiere) {
			p.DurationMinutes, p.Theatre, p.PosterURL = ev.Details.DurationMinutes, ev.Details.Theatre, ev.Details.PosterURL
		})
	case premiere.WithdrawnFromSale:
		return update(ctx, w, ev.ID, ev.At, func(p *Premiere) { p.OnSale = false })
	}
	return nil
}

func update(ctx context.Context, w Writes, id uuid.UUID, at time.Time, change func(*Premiere)) error {
	p, found, err := w.Premiere(ctx, id)
	if err != nil || !found {
		return err // never published: nothing to show
	}
	change(&p)
	p.UpdatedAt = at
	return w.PutPremiere(ctx, p)
}
