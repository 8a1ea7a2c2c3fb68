// Package demo holds the demo catalogue of Chance Video: theatre premieres
// published on an empty store so that a fresh installation has something to
// browse, search and rent.
package demo

import (
	"github.com/google/uuid"

	"github.com/chance-video/chance/domain/money"
	"github.com/chance-video/chance/domain/premiere"
	"github.com/chance-video/chance/domain/pricing"
)

// Namespace is the UUID namespace of the demo premieres' ids. It never changes:
// an id is derived from it and the premiere's slug, so re-seeding publishes the
// same ids and is rejected as already published instead of duplicating entries.
const Namespace = "8d122399-120b-4602-83bd-7a813a2a2390"

var namespace = uuid.MustParse(Namespace)

// id is the fixed id of the demo premiere with the given slug.
func id(slug string) uuid.UUID { return uuid.NewSHA1(namespace, []byte(slug)) }

// entry is one demo premiere as written in catalogue.go.
type entry struct {
	slug        string // stable ASCII key the id is derived from; never rename
	title       string
	actors      []string
	description string
	theatre     money.Kopecks // a seat in the theatre, for comparison
	online      money.Kopecks // online price for hours
	hours       int           // standard term
	discount    int           // percent
}

// Catalogue is the demo catalogue published on an empty store.
// Now is left zero: the caller sets it.
func Catalogue() []premiere.Publish {
	out := make([]premiere.Publish, 0, len(catalogue))
	for _, e := range catalogue {
		out = append(out, e.publish())
	}
	return out
}

func (e entry) publish() premiere.Publish {
	return premiere.Publish{
		ID: id(e.slug),
		Card: premiere.Card{
			Title:       e.title,
			Actors:      append([]string(nil), e.actors...), // callers may not alter the catalogue
			Description: e.description,
		},
		TheaterPrice: e.theatre,
		Details:      details[e.slug],
		Terms: pricing.Terms{
			OnlinePrice:     e.online,
			StandardHours:   e.hours,
			DiscountPercent: e.discount,
		},
	}
}
