package catalogue

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain"
	"github.com/chance-video/chance/domain/money"
	"github.com/chance-video/chance/domain/premiere"
	"github.com/chance-video/chance/domain/term"
)

// QueriesRead names the read models these queries read: a read-your-writes wait
// before them covers these and nothing else.
var QueriesRead = []string{Name}

// Queries answers what customers ask of the catalogue, on its Reads port.
type Queries struct{ Reads Reads }

// Card is a premiere's card.
type Card struct {
	ID               uuid.UUID     `json:"id"`
	Title            string        `json:"title"`
	Actors           []string      `json:"actors"`
	Description      string        `json:"description"`
	TheaterPrice     money.Kopecks `json:"theater_price"`
	OnlinePrice      money.Kopecks `json:"online_price"` // for the standard term, before the discount
	DiscountPercent  int           `json:"discount_percent"`
	ReservationHours int           `json:"reservation_hours"`
	Price            money.Kopecks `json:"price"` // the standard term after the discount: what renting it costs
	OnSale           bool          `json:"on_sale"`
	Currency         string        `json:"currency"`
	DurationMinutes  int           `json:"duration_minutes"` // 0: not stated
	Theatre          string        `json:"theatre"`          // "": not stated
	PosterURL        string        `json:"poster_url"`       // https URL or a path on this site; "": none
}

// CardOf shows a premiere as a card.
func CardOf(p Premiere) Card {
	actors := p.Actors
	if actors == nil {
		actors = []string{}
	}
	return Card{
		ID: p.ID, Title: p.Title, Actors: actors, Description: p.Description,
		TheaterPrice: p.TheaterPrice, OnlinePrice: p.Terms.OnlinePrice, DiscountPercent: p.Terms.DiscountPercent,
		ReservationHours: p.Terms.StandardHours, Price: p.OnlinePrice(), OnSale: p.OnSale, Currency: money.Currency,
		DurationMinutes: p.DurationMinutes, Theatre: p.Theatre, PosterURL: p.PosterURL,
	}
}

// SearchPage is one page of search results.
type SearchPage struct {
	Items []Card `json:"items"`
	// Total is the number of matches when TotalExact, else CountBound: more match.
	Total      int  `json:"total"`
	TotalExact bool `json:"total_exact"`
	Page       int  `json:"page"`
	Limit      int  `json:"limit"`
}

// Limits of a search's filters, besides its paging (DefaultSearchLimit, MaxSearchLimit).
const (
	MaxSearchText = 200 // characters of q and actor
	// MaxSearchPage keeps OFFSET scans bounded; nobody pages 10,000 deep by hand.
	MaxSearchPage = 10_000
)

var sorts = []string{SortRelevance, SortPriceAsc, SortPriceDesc, SortDiscount, SortTitle, SortNewest}

// CheckSearch validates a search and fills in the default page, limit and sort.
func CheckSearch(s SearchQuery) (SearchQuery, error) {
	s.Text, s.Actor = strings.TrimSpace(s.Text), strings.TrimSpace(s.Actor)
	switch {
	case utf8.RuneCountInString(s.Text) > MaxSearchText:
		return s, domain.Invalid(fmt.Sprintf("q must have at most %d characters", MaxSearchText))
	case utf8.RuneCountInString(s.Actor) > MaxSearchText:
		return s, domain.Invalid(fmt.Sprintf("actor must have at most %d characters", MaxSearchText))
	case s.MinPrice < 0:
		return s, domain.Invalid(fmt.Sprintf("min_price must not be negative, got %d", s.MinPrice))
	case s.MaxPrice < 0:
		return s, domain.Invalid(fmt.Sprintf("max_price must not be negative, got %d", s.MaxPrice))
	case s.MaxPrice != 0 && s.MinPrice > s.MaxPrice:
		return s, domain.Invalid(fmt.Sprintf("min_price %d is above max_price %d", s.MinPrice, s.MaxPrice))
	case s.MinDiscount < 0 || s.MinDiscount > 100:
		return s, domain.Invalid(fmt.Sprintf("min_discount must be a percentage from 0 to 100, got %d", s.MinDiscount))
	case s.Page < 0 || s.Page > MaxSearchPage:
		return s, domain.Invalid(fmt.Sprintf("page must be from 1 to %d, got %d", MaxSearchPage, s.Page))
	case s.Limit < 0 || s.Limit > MaxSearchLimit:
		return s, domain.Invalid(fmt.Sprintf("limit must be from 1 to %d, got %d", MaxSearchLimit, s.Limit))
	}
	if s.Sort == "" {
		s.Sort = SortRelevance
	}
	if !slices.Contains(sorts, s.Sort) {
		return s, domain.Invalid(fmt.Sprintf("sort must be one of %s, got %q", strings.Join(sorts, ", "), s.Sort))
	}
	if s.Page == 0 {
		s.Page = 1
	}
	if s.Limit == 0 {
		s.Limit = DefaultSearchLimit
	}
	return s, nil
}

// Search finds premieres on sale. Zero page, limit and sort take their defaults.
func (q Queries) Search(ctx context.Context, s SearchQuery) (SearchPage, error) {
	s, err := CheckSearch(s)
	if err != nil {
		return SearchPage{}, err
	}
	res, err := q.Reads.Search(ctx, s)
	if err != nil {
		return SearchPage{}, fmt.Errorf("search: %w", err)
	}
	page := SearchPage{Items: make([]Card, 0, len(res.Items)), Total: res.Total, TotalExact: !res.Capped, Page: s.Page, Limit: s.Limit}
	for _, p := range res.Items {
		page.Items = append(page.Items, CardOf(p))
	}
	return page, nil
}

// Premiere is a premiere's full card, whether or not it is still on sale (a customer
// who rented it may still open its page).
func (q Queries) Premiere(ctx context.Context, id uuid.UUID) (Card, error) {
	p, err := q.find(ctx, id)
	return CardOf(p), err
}

func (q Queries) find(ctx context.Context, id uuid.UUID) (Premiere, error) {
	p, found, err := q.Reads.Premiere(ctx, id)
	if err != nil {
		return p, fmt.Errorf("premiere %s: %w", id, err)
	}
	if !found {
		return p, premiere.ErrNotFound
	}
	return p, nil
}

// Quote is the price of renting a premiere for a term.
type Quote struct {
	PremiereID uuid.UUID     `json:"premiere_id"`
	Period     int           `json:"period"`
	Price      money.Kopecks `json:"price"`
	Currency   string        `json:"currency"`
}

// Quote prices a term of hours of a premiere on sale, as a rent would charge now.
func (q Queries) Quote(ctx context.Context, id uuid.UUID, hours int) (Quote, error) {
	if err := term.CheckHours(hours); err != nil {
		return Quote{}, err
	}
	p, err := q.find(ctx, id)
	if err != nil {
		return Quote{}, err
	}
	if !p.OnSale {
		return Quote{}, premiere.ErrNotOnSale
	}
	price := p.Terms.Quote(hours)
	if price <= 0 {
		return Quote{}, domain.Invalid(fmt.Sprintf("a term of %d hours is too short to be priced", hours))
	}
	return Quote{PremiereID: id, Period: hours, Price: price, Currency: money.Currency}, nil
}
