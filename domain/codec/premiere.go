package codec

import (
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain/money"
	"github.com/chance-video/chance/domain/premiere"
	"github.com/chance-video/chance/domain/pricing"
)

// Stored payloads of the catalogue.

type premierePublishedV1 struct {
	ID           uuid.UUID `json:"premiere_id"`
	Card         cardV1    `json:"card"`
	TheaterPrice int64     `json:"theater_price"`
	Terms        termsV1   `json:"terms"`
	At           time.Time `json:"at"`
}

type premiereRepricedV1 struct {
	ID            uuid.UUID `json:"premiere_id"`
	TheaterPrice  int64     `json:"theater_price"`
	OnlinePrice   int64     `json:"online_price"`
	StandardHours int       `json:"standard_hours"`
	At            time.Time `json:"at"`
}

type premiereDiscountChangedV1 struct {
	ID      uuid.UUID `json:"premiere_id"`
	Percent int       `json:"discount_percent"`
	At      time.Time `json:"at"`
}

type premiereEditedV1 struct {
	ID   uuid.UUID `json:"premiere_id"`
	Card cardV1    `json:"card"`
	At   time.Time `json:"at"`
}

type premiereWithdrawnFromSaleV1 struct {
	ID uuid.UUID `json:"premiere_id"`
	At time.Time `json:"at"`
}

// premiereDetailsChangedV1 carries all the details at once; a premiere whose log has
// none (every one published before details existed) has empty details.
type premiereDetailsChangedV1 struct {
	ID              uuid.UUID `json:"premiere_id"`
	DurationMinutes int       `json:"duration_minutes"`
	Theatre         string    `json:"theatre"`
	PosterURL       string    `json:"poster_url"`
	At              time.Time `json:"at"`
}

// cardV1 is a premiere's card inside a stored event.
type cardV1 struct {
	Title       string   `json:"title"`
	Actors      []string `json:"actors"`
	Description string   `json:"description"`
}

func storedCard(c premiere.Card) cardV1 {
	return cardV1{Title: c.Title, Actors: c.Actors, Description: c.Description}
}

func (p cardV1) card() premiere.Card {
	return premiere.Card{Title: p.Title, Actors: p.Actors, Description: p.Description}
}

// termsV1 are pricing terms inside a stored event (a premiere's, or those a rental locked).
type termsV1 struct {
	OnlinePrice     int64 `json:"online_price"`
	StandardHours   int   `json:"standard_hours"`
	DiscountPercent int   `json:"discount_percent"`
}

func storedTerms(t pricing.Terms) termsV1 {
	return termsV1{OnlinePrice: int64(t.OnlinePrice), StandardHours: t.StandardHours, DiscountPercent: t.DiscountPercent}
}

func (p termsV1) terms() pricing.Terms {
	return pricing.Terms{OnlinePrice: money.Kopecks(p.OnlinePrice), StandardHours: p.StandardHours, DiscountPercent: p.DiscountPercent}
}

func premiereSchemas() []Schema {
	return []Schema{
		Stored(func(e premiere.Published) premierePublishedV1 {
			return premierePublishedV1{ID: e.ID, Card: storedCard(e.Card), TheaterPrice: int64(e.TheaterPrice), Terms: storedTerms(e.Terms), At: e.At}
		}, func(p premierePublishedV1) premiere.Published {
			return premiere.Published{ID: p.ID, Card: p.Card.card(), TheaterPrice: money.Kopecks(p.TheaterPrice), Terms: p.Terms.terms(), At: p.At}
		}),
		Stored(func(e premiere.Repriced) premiereRepricedV1 {
			return premiereRepricedV1{ID: e.ID, TheaterPrice: int64(e.TheaterPrice), OnlinePrice: int64(e.OnlinePrice), StandardHours: e.StandardHours, At: e.At}
		}, func(p premiereRepricedV1) premiere.Repriced {
			return premiere.Repriced{ID: p.ID, TheaterPrice: money.Kopecks(p.TheaterPrice), OnlinePrice: money.Kopecks(p.OnlinePrice), StandardHours: p.StandardHours, At: p.At}
		}),
		Stored(func(e premiere.DiscountChanged) premiereDiscountChangedV1 {
			return premiereDiscountChangedV1{ID: e.ID, Percent: e.Percent, At: e.At}
		}, func(p premiereDiscountChangedV1) premiere.DiscountChanged {
			return premiere.DiscountChanged{ID: p.ID, Percent: p.Percent, At: p.At}
		}),
		Stored(func(e premiere.Edited) premiereEditedV1 {
			return premiereEditedV1{ID: e.ID, Card: storedCard(e.Card), At: e.At}
		}, func(p premiereEditedV1) premiere.Edited {
			return premiere.Edited{ID: p.ID, Card: p.Card.card(), At: p.At}
		}),
		Stored(func(e premiere.DetailsChanged) premiereDetailsChangedV1 {
			return premiereDetailsChangedV1{ID: e.ID, DurationMinutes: e.Details.DurationMinutes, Theatre: e.Details.Theatre, PosterURL: e.Details.PosterURL, At: e.At}
		}, func(p premiereDetailsChangedV1) premiere.DetailsChanged {
			return premiere.DetailsChanged{ID: p.ID, Details: premiere.Details{DurationMinutes: p.DurationMinutes, Theatre: p.Theatre, PosterURL: p.PosterURL}, At: p.At}
		}),
		Stored(func(e premiere.WithdrawnFromSale) premiereWithdrawnFromSaleV1 {
			return premiereWithdrawnFromSaleV1{ID: e.ID, At: e.At}
		}, func(p premiereWithdrawnFromSaleV1) premiere.WithdrawnFromSale {
			return premiere.WithdrawnFromSale{ID: p.ID, At: p.At}
		}),
	}
}
