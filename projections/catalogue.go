package projections

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain/premiere"
	"github.com/chance-video/chance/readmodel"
)

// Catalogue projects premieres into cards and the search index.
type Catalogue struct{}

var catalogueEvents = handlesOf(premiere.Events()...)

func (Catalogue) Name() string                  { return "catalogue_v1" }
func (Catalogue) Handles(eventType string) bool { return catalogueEvents.Handles(eventType) }

// Apply takes the store's transaction as the shared Tx (this read model has no port of its own yet).
func (p Catalogue) Apply(ctx context.Context, w Writes, e Event) error {
	tx, err := As[Tx](p.Name(), w)
	if err != nil {
		return err
	}
	return p.apply(ctx, tx, e)
}

func (Catalogue) apply(ctx context.Context, tx Tx, e Event) error {
	switch ev := e.Event.(type) {
	case premiere.Published:
		return tx.PutPremiere(ctx, readmodel.Premiere{
			ID: ev.ID, Title: ev.Card.Title, Actors: ev.Card.Actors, Description: ev.Card.Description,
			TheaterPrice: ev.TheaterPrice, Terms: ev.Terms, OnSale: true, PublishedAt: ev.At, UpdatedAt: ev.At,
		})
	case premiere.Repriced:
		return updatePremiere(ctx, tx, ev.ID, ev.At, func(p *readmodel.Premiere) {
			p.TheaterPrice, p.Terms.OnlinePrice, p.Terms.StandardHours = ev.TheaterPrice, ev.OnlinePrice, ev.StandardHours
		})
	case premiere.DiscountChanged:
		return updatePremiere(ctx, tx, ev.ID, ev.At, func(p *readmodel.Premiere) { p.Terms.DiscountPercent = ev.Percent })
	case premiere.Edited:
		return updatePremiere(ctx, tx, ev.ID, ev.At, func(p *readmodel.Premiere) {
			p.Title, p.Actors, p.Description = ev.Card.Title, ev.Card.Actors, ev.Card.Description
		})
	case premiere.WithdrawnFromSale:
		return updatePremiere(ctx, tx, ev.ID, ev.At, func(p *readmodel.Premiere) { p.OnSale = false })
	}
	return nil
}

func updatePremiere(ctx context.Context, tx Tx, id uuid.UUID, at time.Time, change func(*readmodel.Premiere)) error {
	p, found, err := tx.Premiere(ctx, id)
	if err != nil || !found {
		return err // never published: nothing to show
	}
	change(&p)
	p.UpdatedAt = at
	return tx.PutPremiere(ctx, p)
}
