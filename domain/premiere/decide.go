package premiere

import (
	"fmt"
	"reflect"
	"strings"
	"unicode/utf8"

	"github.com/chance-video/chance/domain"
	"github.com/chance-video/chance/domain/money"
	"github.com/chance-video/chance/domain/pricing"
)

// Decider is the premiere aggregate.
var Decider = domain.Decider[State, Command]{Initial: Initial, Decide: Decide, Evolve: Evolve, Version: 2}

// Limits of a card.
const (
	MaxTitle       = 200
	MaxActors      = 50
	MaxActorName   = 100
	MaxDescription = 10_000
)

// Errors a premiere decides, beyond bad input.
var (
	ErrNotFound         = domain.NotFound("premiere not found")
	ErrNotOnSale        = domain.Conflict("the premiere is no longer on sale")
	ErrAlreadyPublished = domain.Conflict("a premiere with this id is already published")
)

// Decide applies the catalogue rules to a command.
func Decide(c Command, s State) ([]domain.Event, error) {
	if _, publishing := c.(Publish); !publishing {
		if !s.Published {
			return nil, ErrNotFound
		}
		if _, withdrawing := c.(WithdrawFromSale); s.Withdrawn && !withdrawing {
			return nil, ErrNotOnSale
		}
	}
	switch c := c.(type) {
	case Publish:
		if s.Published {
			return nil, ErrAlreadyPublished
		}
		card, err := checkCard(c.Card)
		if err != nil {
			return nil, err
		}
		if err := checkTheaterPrice(c.TheaterPrice); err != nil {
			return nil, err
		}
		if err := c.Terms.CheckForSale(); err != nil {
			return nil, err
		}
		details, err := checkDetails(c.Details)
		if err != nil {
			return nil, err
		}
		events := []domain.Event{Published{ID: c.ID, Card: card, TheaterPrice: c.TheaterPrice, Terms: c.Terms, At: c.Now}}
		if details != (Details{}) {
			events = append(events, DetailsChanged{ID: c.ID, Details: details, At: c.Now})
		}
		return events, nil
	case Reprice:
		if err := checkTheaterPrice(c.TheaterPrice); err != nil {
			return nil, err
		}
		terms := pricing.Terms{OnlinePrice: c.OnlinePrice, StandardHours: c.StandardHours, DiscountPercent: s.Terms.DiscountPercent}
		if err := terms.CheckForSale(); err != nil {
			return nil, err
		}
		if terms == s.Terms && c.TheaterPrice == s.TheaterPrice {
			return nil, nil // already these prices
		}
		return []domain.Event{Repriced{ID: s.ID, TheaterPrice: c.TheaterPrice, OnlinePrice: c.OnlinePrice, StandardHours: c.StandardHours, At: c.Now}}, nil
	case ChangeDiscount:
		terms := s.Terms
		terms.DiscountPercent = c.Percent
		if err := terms.CheckForSale(); err != nil {
			return nil, err
		}
		if c.Percent == s.Terms.DiscountPercent {
			return nil, nil
		}
		return []domain.Event{DiscountChanged{ID: s.ID, Percent: c.Percent, At: c.Now}}, nil
	case Edit:
		card, err := checkCard(c.Card)
		if err != nil {
			return nil, err
		}
		if reflect.DeepEqual(card, s.Card) {
			return nil, nil
		}
		return []domain.Event{Edited{ID: s.ID, Card: card, At: c.Now}}, nil
	case ChangeDetails:
		return decideDetails(c, s)
	case Change:
		return decideChange(c, s)
	case WithdrawFromSale:
		if s.Withdrawn {
			return nil, nil // already withdrawn
		}
		return []domain.Event{WithdrawnFromSale{ID: s.ID, At: c.Now}}, nil
	default:
		return nil, fmt.Errorf("premiere: unknown command %T", c)
	}
}

// checkCard trims the card's text and rejects what a card cannot hold, including
// characters that are not text (domain.CheckLine); a description may have lines,
// sent by browsers as CRLF and kept as LF.
func checkCard(c Card) (Card, error) {
	c.Description = strings.ReplaceAll(c.Description, "\r\n", "\n")
	if err := domain.CheckLine("title", c.Title); err != nil {
		return Card{}, err
	}
	if err := domain.CheckParagraphs("description", c.Description); err != nil {
		return Card{}, err
	}
	c.Title = strings.TrimSpace(c.Title)
	c.Description = strings.TrimSpace(c.Description)
	if c.Title == "" || utf8.RuneCountInString(c.Title) > MaxTitle {
		return Card{}, domain.Invalid(fmt.Sprintf("title must have 1 to %d characters", MaxTitle))
	}
	if err := domain.CheckVisible("title", c.Title); err != nil {
		return Card{}, err
	}
	if utf8.RuneCountInString(c.Description) > MaxDescription {
		return Card{}, domain.Invalid(fmt.Sprintf("description must have at most %d characters", MaxDescription))
	}
	if len(c.Actors) > MaxActors {
		return Card{}, domain.Invalid(fmt.Sprintf("at most %d actors", MaxActors))
	}
	actors := make([]string, 0, len(c.Actors))
	for _, a := range c.Actors {
		if err := domain.CheckLine("actors", a); err != nil {
			return Card{}, err
		}
		a = strings.TrimSpace(a)
		if a == "" || utf8.RuneCountInString(a) > MaxActorName {
			return Card{}, domain.Invalid(fmt.Sprintf("each actor's name must have 1 to %d characters", MaxActorName))
		}
		if err := domain.CheckVisible("actors", a); err != nil {
			return Card{}, err
		}
		actors = append(actors, a)
	}
	c.Actors = actors
	return c, nil
}

// checkTheaterPrice accepts zero: a premiere may have no theatre showing to compare with.
func checkTheaterPrice(p money.Kopecks) error {
	if p < 0 || p > money.MaxOperation {
		return domain.Invalid(fmt.Sprintf("theater_price must be from 0 to %d kopecks", money.MaxOperation))
	}
	return nil
}
