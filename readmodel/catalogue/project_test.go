package catalogue_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain"
	"github.com/chance-video/chance/domain/premiere"
	"github.com/chance-video/chance/domain/pricing"
	"github.com/chance-video/chance/infra/readstore/projectortest"
	"github.com/chance-video/chance/readmodel/catalogue"
)

// seen is what the specs read back: the card, and which searches find it.
type seen struct {
	Card  catalogue.Premiere
	Found bool
	// Searched: for each search text, whether the premiere is among the results.
	Searched map[string]bool
}

func TestProject(t *testing.T) {
	at := time.Date(2026, 3, 14, 15, 0, 0, 0, time.UTC)
	later := at.Add(time.Hour)
	id := func(name string) uuid.UUID { return uuid.NewSHA1(uuid.NameSpaceOID, []byte(name)) }
	terms := pricing.Terms{OnlinePrice: 48_000, StandardHours: 48, DiscountPercent: 10}
	card := premiere.Card{Title: "Маузер", Actors: []string{"Иван Петров"}, Description: "Спектакль о революции"}
	// Every title is made unique with its spec's name, so a search finds only its own.
	published := func(name string) premiere.Published {
		c := card
		c.Title = card.Title + " " + name
		return premiere.Published{ID: id(name), Card: c, TheaterPrice: 150_000, Terms: terms, At: at}
	}
	row := func(name string) catalogue.Premiere {
		return catalogue.Premiere{ID: id(name), Title: card.Title + " " + name, Actors: card.Actors, Description: card.Description,
			TheaterPrice: 150_000, Terms: terms, OnSale: true, PublishedAt: at, UpdatedAt: at}
	}
	with := func(p catalogue.Premiere, change func(*catalogue.Premiere)) catalogue.Premiere { change(&p); return p }
	read := func(name string, searches ...string) func(ctx context.Context, r catalogue.Reads) (any, error) {
		return func(ctx context.Context, r catalogue.Reads) (any, error) {
			p, found, err := r.Premiere(ctx, id(name))
			if err != nil {
				return nil, err
			}
			out := seen{Card: p, Found: found, Searched: map[string]bool{}}
			for _, text := range searches {
				res, err := r.Search(ctx, catalogue.SearchQuery{Text: text, Limit: 100})
				if err != nil {
					return nil, err
				}
				out.Searched[text] = false
				for _, item := range res.Items {
					out.Searched[text] = out.Searched[text] || item.ID == id(name)
				}
			}
			return out, nil
		}
	}
	specs := []projectortest.Spec[catalogue.Reads]{
		{
			Name: "an unknown premiere is not found",
			Read: read("nothing"),
			Then: seen{Searched: map[string]bool{}},
		},
		{
			Name:  "a published premiere is on sale and found by its words",
			Given: []domain.Event{published("первый")},
			Read:  read("первый", "первый", "Маузера первый"),
			Then:  seen{Card: row("первый"), Found: true, Searched: map[string]bool{"первый": true, "Маузера первый": true}},
		},
		{
			Name: "a reprice changes the prices, keeping the discount",
			Given: []domain.Event{published("второй"), premiere.Repriced{ID: id("второй"), TheaterPrice: 200_000, OnlinePrice: 60_000,
				StandardHours: 72, At: later}},
			Read: read("второй"),
			Then: seen{Card: with(row("второй"), func(p *catalogue.Premiere) {
				p.TheaterPrice, p.Terms.OnlinePrice, p.Terms.StandardHours, p.UpdatedAt = 200_000, 60_000, 72, later
			}), Found: true, Searched: map[string]bool{}},
		},
		{
			Name:  "a discount changes only the discount",
			Given: []domain.Event{published("третий"), premiere.DiscountChanged{ID: id("третий"), Percent: 50, At: later}},
			Read:  read("третий"),
			Then: seen{Card: with(row("третий"), func(p *catalogue.Premiere) { p.Terms.DiscountPercent, p.UpdatedAt = 50, later }),
				Found: true, Searched: map[string]bool{}},
		},
		{
			Name: "an edit changes the card and what search finds",
			Given: []domain.Event{published("четвёртый"), premiere.Edited{ID: id("четвёртый"),
				Card: premiere.Card{Title: "Чайка четвёртый", Actors: []string{"Анна Сидорова"}, Description: "Комедия"}, At: later}},
			Read: read("четвёртый", "Чайка четвертый", "Маузер четвёртый"),
			Then: seen{Card: with(row("четвёртый"), func(p *catalogue.Premiere) {
				p.Title, p.Actors, p.Description, p.UpdatedAt = "Чайка четвёртый", []string{"Анна Сидорова"}, "Комедия", later
			}), Found: true, Searched: map[string]bool{"Чайка четвертый": true, "Маузер четвёртый": false}},
		},
		{
			Name: "details change only the details",
			Given: []domain.Event{published("шестой"), premiere.DetailsChanged{ID: id("шестой"),
				Details: premiere.Details{DurationMinutes: 150, Theatre: "Театр Наций", PosterURL: "/posters/1.svg"}, At: later}},
			Read: read("шестой"),
			Then: seen{Card: with(row("шестой"), func(p *catalogue.Premiere) {
				p.DurationMinutes, p.Theatre, p.PosterURL, p.UpdatedAt = 150, "Театр Наций", "/posters/1.svg", later
			}), Found: true, Searched: map[string]bool{}},
		},
		{
			Name:  "a premiere withdrawn from sale keeps its card and leaves search",
			Given: []domain.Event{published("пятый"), premiere.WithdrawnFromSale{ID: id("пятый"), At: later}},
			Read:  read("пятый", "пятый"),
			Then: seen{Card: with(row("пятый"), func(p *catalogue.Premiere) { p.OnSale, p.UpdatedAt = false, later }),
				Found: true, Searched: map[string]bool{"пятый": false}},
		},
		{
			Name:  "an event about a premiere never published makes no card",
			Given: []domain.Event{premiere.DiscountChanged{ID: id("призрак"), Percent: 5, At: later}},
			Read:  read("призрак"),
			Then:  seen{Searched: map[string]bool{}},
		},
	}
	projectortest.Run(t, catalogue.Projector, specs)
}
