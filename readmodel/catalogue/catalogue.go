// Package catalogue is the catalogue read model: every premiere's card and the search
// index over the ones on sale.
package catalogue

import (
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain/money"
	"github.com/chance-video/chance/domain/pricing"
)

// Name is the projection's name and version, stored with its checkpoint and naming its
// tables in every store.
//
// WARNING: change the version (catalogue_v1 → catalogue_v2) whenever Project or the rows
// change what they hold: a new version is a fresh, empty projection rebuilt from
// position zero, never a migration of projected rows. This is the only place the name
// is written.
// v2: the details (duration, theatre, poster); v3: the SQLite store's typo vocabulary.
const Name = "catalogue_v3"

// Premiere is a premiere's card as customers see it.
type Premiere struct {
	ID           uuid.UUID
	Title        string
	Actors       []string
	Description  string
	TheaterPrice money.Kopecks
	Terms        pricing.Terms
	// The details (premiere.Details): zero and empty when not stated.
	DurationMinutes int
	Theatre         string
	PosterURL       string
	OnSale          bool
	PublishedAt     time.Time
	UpdatedAt       time.Time
}

// SearchQuery filters and pages the catalogue. Zero values mean "no filter".
type SearchQuery struct {
	Text        string        // words to find in title, actors and description
	Actor       string        // an actor's name, or part of it
	MinPrice    money.Kopecks // online price of the standard term, after discount
	MaxPrice    money.Kopecks
	MinDiscount int
	Sort        string // SortRelevance (default), SortPriceAsc, SortPriceDesc, SortDiscount, SortTitle, SortNewest
	Page        int    // from 1
	Limit       int    // 1..100
}

// Sort orders of a search.
const (
	SortRelevance = "relevance"
	SortPriceAsc  = "price_asc"
	SortPriceDesc = "price_desc"
	SortDiscount  = "discount"
	SortTitle     = "title"
	SortNewest    = "newest"
)

// SearchResult is one page of matching premieres and how many match in all.
type SearchResult struct {
	Items []Premiere
	// Total is how many match, counted exactly up to CountBound; when more match, it is
	// CountBound and Capped is set.
	Total  int
	Capped bool
}

// CountBound is how far a search counts its matches exactly. Counting every match of a
// broad word (a quarter of 100,000 premieres) cost more than finding the page itself;
// beyond this a search says "more than CountBound", which is all a page of results
// needs to show.
const CountBound = 1000

// OnlinePrice is the standard term's price after the discount: what search filters
// and sorts by.
func (p Premiere) OnlinePrice() money.Kopecks { return p.Terms.Quote(p.Terms.StandardHours) }

// Paging limits of a search, the same in every store.
const (
	DefaultSearchLimit = 20
	MaxSearchLimit     = 100
)

// Window is the page q asks for, as a row limit and offset: DefaultSearchLimit when it
// names no limit, never more than MaxSearchLimit, page 1 when it names none.
func (q SearchQuery) Window() (limit, offset int) {
	limit = q.Limit
	if limit <= 0 {
		limit = DefaultSearchLimit
	}
	limit = min(limit, MaxSearchLimit)
	return limit, (max(q.Page, 1) - 1) * limit
}
