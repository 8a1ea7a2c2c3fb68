package premiere

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain"
	"github.com/chance-video/chance/domain/decidertest"
	"github.com/chance-video/chance/domain/money"
	"github.com/chance-video/chance/domain/pricing"
)

var (
	now   = time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	id    = uuid.MustParse("00000000-0000-0000-0000-0000000000a1")
	card  = Card{Title: "Маузер", Actors: []string{"Евгений Миронов", "Чулпан Хаматова"}, Description: "Премьера"}
	terms = pricing.Terms{OnlinePrice: 50000, StandardHours: 48, DiscountPercent: 10}
)

func published() Published {
	return Published{ID: id, Card: card, TheaterPrice: 300000, Terms: terms, At: now}
}

func TestPublish(t *testing.T) {
	untrimmed := Card{Title: "  Маузер ", Actors: []string{" Евгений Миронов", "Чулпан Хаматова "}, Description: " Премьера "}
	decidertest.Run(t, Decider, []decidertest.Spec[Command]{
		{Name: "publishes", When: Publish{ID: id, Card: card, TheaterPrice: 300000, Terms: terms, Now: now}, Then: []domain.Event{published()}},
		{Name: "trims the card", When: Publish{ID: id, Card: untrimmed, TheaterPrice: 300000, Terms: terms, Now: now}, Then: []domain.Event{published()}},
		{Name: "only once", Given: []domain.Event{published()}, When: Publish{ID: id, Card: card, Terms: terms}, WantErr: ErrAlreadyPublished},
		{Name: "needs a title", When: Publish{ID: id, Card: Card{Title: " "}, Terms: terms}, WantErr: domain.ErrInvalid},
		{Name: "title too long", When: Publish{ID: id, Card: Card{Title: strings.Repeat("я", MaxTitle+1)}, Terms: terms}, WantErr: domain.ErrInvalid},
		{Name: "blank actor", When: Publish{ID: id, Card: Card{Title: "T", Actors: []string{""}}, Terms: terms}, WantErr: domain.ErrInvalid},
		{Name: "too many actors", When: Publish{ID: id, Card: Card{Title: "T", Actors: make([]string, MaxActors+1)}, Terms: terms}, WantErr: domain.ErrInvalid},
		{Name: "description too long", When: Publish{ID: id, Card: Card{Title: "T", Description: strings.Repeat("a", MaxDescription+1)}, Terms: terms}, WantErr: domain.ErrInvalid},
		{Name: "negative theatre price", When: Publish{ID: id, Card: card, TheaterPrice: -1, Terms: terms}, WantErr: domain.ErrInvalid},
		{Name: "a line break in the title", When: Publish{ID: id, Card: Card{Title: "Маузер\r\nBcc: x@example.ru"}, Terms: terms}, WantErr: domain.ErrInvalid},
		{Name: "a bidi override in an actor", When: Publish{ID: id, Card: Card{Title: "T", Actors: []string{"Анна\u202e"}}, Terms: terms}, WantErr: domain.ErrInvalid},
		{Name: "a NUL in the description", When: Publish{ID: id, Card: Card{Title: "T", Description: "a\x00"}, Terms: terms}, WantErr: domain.ErrInvalid},
		{Name: "a description keeps its lines, CRLF as LF", When: Publish{ID: id, Card: Card{Title: card.Title, Actors: card.Actors, Description: "Акт 1.\r\nАкт 2."}, TheaterPrice: 300000, Terms: terms, Now: now},
			Then: []domain.Event{Published{ID: id, Card: Card{Title: card.Title, Actors: card.Actors, Description: "Акт 1.\nАкт 2."}, TheaterPrice: 300000, Terms: terms, At: now}}},
		{Name: "zero online price", When: Publish{ID: id, Card: card, Terms: pricing.Terms{StandardHours: 48}}, WantErr: domain.ErrInvalid},
		{Name: "an hour under a kopeck", When: Publish{ID: id, Card: card, TheaterPrice: 300000, Terms: pricing.Terms{OnlinePrice: 47, StandardHours: 48}, Now: now}, WantErr: domain.ErrInvalid},
		{Name: "discount of 100 would make it free", When: Publish{ID: id, Card: card, Terms: pricing.Terms{OnlinePrice: 1, StandardHours: 1, DiscountPercent: 100}}, WantErr: domain.ErrInvalid},
	})
}

func TestChanges(t *testing.T) {
	given := []domain.Event{published()}
	withdrawn := append([]domain.Event{published()}, WithdrawnFromSale{ID: id, At: now})
	newCard := Card{Title: "Маузер. Новая редакция", Actors: []string{"Евгений Миронов"}}
	decidertest.Run(t, Decider, []decidertest.Spec[Command]{
		{Name: "reprices", Given: given, When: Reprice{TheaterPrice: 350000, OnlinePrice: 60000, StandardHours: 72, Now: now},
			Then: []domain.Event{Repriced{ID: id, TheaterPrice: 350000, OnlinePrice: 60000, StandardHours: 72, At: now}}},
		{Name: "the same prices are a no-op", Given: given, When: Reprice{TheaterPrice: 300000, OnlinePrice: 50000, StandardHours: 48, Now: now}},
		{Name: "bad standard term", Given: given, When: Reprice{OnlinePrice: 60000, StandardHours: 0}, WantErr: domain.ErrInvalid},
		{Name: "changes the discount", Given: given, When: ChangeDiscount{Percent: 30, Now: now}, Then: []domain.Event{DiscountChanged{ID: id, Percent: 30, At: now}}},
		{Name: "the same discount is a no-op", Given: given, When: ChangeDiscount{Percent: 10, Now: now}},
		{Name: "discount out of range", Given: given, When: ChangeDiscount{Percent: 100}, WantErr: domain.ErrInvalid},
		{Name: "edits the card", Given: given, When: Edit{Card: newCard, Now: now}, Then: []domain.Event{Edited{ID: id, Card: newCard, At: now}}},
		{Name: "the same card is a no-op", Given: given, When: Edit{Card: card, Now: now}},
		{Name: "withdraws", Given: given, When: WithdrawFromSale{Now: now}, Then: []domain.Event{WithdrawnFromSale{ID: id, At: now}}},
		{Name: "withdrawing twice is a no-op", Given: withdrawn, When: WithdrawFromSale{Now: now}},
		{Name: "a withdrawn premiere cannot be repriced", Given: withdrawn, When: Reprice{OnlinePrice: 1, StandardHours: 1}, WantErr: ErrNotOnSale},
		{Name: "unknown premiere", When: Edit{Card: card}, WantErr: ErrNotFound},
		{Name: "unknown premiere cannot be withdrawn", When: WithdrawFromSale{}, WantErr: ErrNotFound},
	})
}

func TestQuote(t *testing.T) {
	s := Decider.Fold([]domain.Event{published(), DiscountChanged{Percent: 20}})
	if got, err := s.Quote(24); err != nil || got != 20000 {
		t.Fatalf("Quote(24) = %d, %v; want 20000", got, err)
	}
	if _, err := Initial().Quote(24); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown premiere quoted: %v", err)
	}
	if _, err := Evolve(s, WithdrawnFromSale{}).Quote(24); !errors.Is(err, ErrNotOnSale) {
		t.Fatalf("withdrawn premiere quoted: %v", err)
	}
}

func TestChange(t *testing.T) {
	given := []domain.Event{published()}
	withdrawn := append([]domain.Event{published()}, WithdrawnFromSale{ID: id, At: now})
	title, description := "Маузер. Новая редакция", "Новый состав"
	actors := []string{"Евгений Миронов"}
	price, cheap, tooCheap, hours, discount, tooMuch, tooLong := money.Kopecks(60000), money.Kopecks(100), money.Kopecks(47), 72, 30, 100, " "+strings.Repeat("я", MaxTitle+1)
	same, sameDiscount, noHours := card.Title, 10, 0
	decidertest.Run(t, Decider, []decidertest.Spec[Command]{
		{Name: "changes only the title, keeping the rest of the card", Given: given, When: Change{Title: &title, Now: now},
			Then: []domain.Event{Edited{ID: id, Card: Card{Title: title, Actors: card.Actors, Description: card.Description}, At: now}}},
		{Name: "changes the card, the prices and the discount at once, in that order", Given: given,
			When: Change{Title: &title, Actors: &actors, Description: &description, OnlinePrice: &price, StandardHours: &hours, DiscountPercent: &discount, Now: now},
			Then: []domain.Event{
				Edited{ID: id, Card: Card{Title: title, Actors: actors, Description: description}, At: now},
				Repriced{ID: id, TheaterPrice: 300000, OnlinePrice: price, StandardHours: hours, At: now},
				DiscountChanged{ID: id, Percent: discount, At: now},
			}},
		{Name: "a bad standard term refuses the discount too", Given: given, When: Change{StandardHours: &noHours, DiscountPercent: &discount, Now: now}, WantErr: domain.ErrInvalid},
		{Name: "prices not named stay as they are", Given: given, When: Change{OnlinePrice: &cheap, Now: now},
			Then: []domain.Event{Repriced{ID: id, TheaterPrice: 300000, OnlinePrice: cheap, StandardHours: 48, At: now}}},
		{Name: "a price under a kopeck an hour after the discount is refused", Given: given, When: Change{OnlinePrice: &tooCheap, Now: now}, WantErr: domain.ErrInvalid},
		{Name: "so is a discount that brings it there", Given: append(given, Repriced{ID: id, TheaterPrice: 300000, OnlinePrice: 48, StandardHours: 48, At: now}),
			When: Change{DiscountPercent: &discount, Now: now}, WantErr: domain.ErrInvalid},
		{Name: "a bad discount refuses the card's change too", Given: given, When: Change{Title: &title, DiscountPercent: &tooMuch, Now: now}, WantErr: domain.ErrInvalid},
		{Name: "a bad title refuses the prices' change too", Given: given, When: Change{Title: &tooLong, OnlinePrice: &price, Now: now}, WantErr: domain.ErrInvalid},
		{Name: "only what differs is recorded", Given: given, When: Change{Title: &same, DiscountPercent: &discount, Now: now},
			Then: []domain.Event{DiscountChanged{ID: id, Percent: discount, At: now}}},
		{Name: "the same values are a no-op", Given: given, When: Change{Title: &same, DiscountPercent: &sameDiscount, Now: now}},
		{Name: "nothing named to change", Given: given, When: Change{Now: now}, WantErr: ErrNothingToChange},
		{Name: "unknown premiere", When: Change{Title: &title}, WantErr: ErrNotFound},
		{Name: "a withdrawn premiere cannot be changed", Given: withdrawn, When: Change{Title: &title}, WantErr: ErrNotOnSale},
	})
}
