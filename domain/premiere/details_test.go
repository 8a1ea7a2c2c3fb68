package premiere

import (
	"strings"
	"testing"

	"github.com/chance-video/chance/domain"
	"github.com/chance-video/chance/domain/decidertest"
)

var details = Details{DurationMinutes: 150, Theatre: "Театр Наций", PosterURL: "/posters/1.svg"}

func detailed() DetailsChanged { return DetailsChanged{ID: id, Details: details, At: now} }

func TestPublishWithDetails(t *testing.T) {
	untrimmed := Details{DurationMinutes: 150, Theatre: "  Театр Наций ", PosterURL: " /posters/1.svg "}
	publish := func(d Details) Publish {
		return Publish{ID: id, Card: card, TheaterPrice: 300000, Terms: terms, Details: d, Now: now}
	}
	decidertest.Run(t, Decider, []decidertest.Spec[Command]{
		{Name: "details follow the publication", When: publish(details), Then: []domain.Event{published(), detailed()}},
		{Name: "trims them", When: publish(untrimmed), Then: []domain.Event{published(), detailed()}},
		{Name: "none stated: no details event", When: publish(Details{}), Then: []domain.Event{published()}},
		{Name: "a bad detail refuses the publication", When: publish(Details{DurationMinutes: -1}), WantErr: domain.ErrInvalid},
	})
}

func TestChangeDetails(t *testing.T) {
	given := []domain.Event{published(), detailed()}
	withdrawn := append(append([]domain.Event{}, given...), WithdrawnFromSale{ID: id, At: now})
	with := func(f func(*Details)) ChangeDetails {
		d := details
		f(&d)
		return ChangeDetails{Details: d, Now: now}
	}
	refused := func(name string, f func(*Details)) decidertest.Spec[Command] {
		return decidertest.Spec[Command]{Name: name, Given: given, When: with(f), WantErr: domain.ErrInvalid}
	}
	longer := Details{DurationMinutes: 155, Theatre: "Театр Наций", PosterURL: "https://images.example.ru/mauser.jpg"}
	decidertest.Run(t, Decider, []decidertest.Spec[Command]{
		{Name: "changes them", Given: given, When: ChangeDetails{Details: longer, Now: now},
			Then: []domain.Event{DetailsChanged{ID: id, Details: longer, At: now}}},
		{Name: "the first details of a premiere published without them", Given: []domain.Event{published()}, When: ChangeDetails{Details: details, Now: now},
			Then: []domain.Event{detailed()}},
		{Name: "the same details are a no-op", Given: given, When: ChangeDetails{Details: details, Now: now}},
		{Name: "a day at most", Given: given, When: with(func(d *Details) { d.DurationMinutes = MaxDurationMinutes }),
			Then: []domain.Event{DetailsChanged{ID: id, Details: Details{DurationMinutes: MaxDurationMinutes, Theatre: details.Theatre, PosterURL: details.PosterURL}, At: now}}},
		refused("longer than a day", func(d *Details) { d.DurationMinutes = MaxDurationMinutes + 1 }),
		refused("a negative duration", func(d *Details) { d.DurationMinutes = -5 }),
		refused("a theatre too long", func(d *Details) { d.Theatre = strings.Repeat("я", MaxTheatre+1) }),
		refused("a line break in the theatre", func(d *Details) { d.Theatre = "МХТ\nBcc: x" }),
		refused("a javascript: poster", func(d *Details) { d.PosterURL = "javascript:alert(1)" }),
		refused("a data: poster", func(d *Details) { d.PosterURL = "data:image/svg+xml,<svg onload=alert(1)>" }),
		refused("a plain http poster", func(d *Details) { d.PosterURL = "http://images.example.ru/a.jpg" }),
		refused("a protocol-relative poster", func(d *Details) { d.PosterURL = "//evil.example/a.jpg" }),
		refused("a poster with credentials", func(d *Details) { d.PosterURL = "https://u:p@images.example.ru/a.jpg" }),
		refused("a poster with a space", func(d *Details) { d.PosterURL = "/posters/a b.svg" }),
		refused("a poster with a backslash", func(d *Details) { d.PosterURL = "/\\evil.example/a.jpg" }),
		refused("a poster too long", func(d *Details) { d.PosterURL = "/" + strings.Repeat("a", MaxPosterURL) }),
		{Name: "a withdrawn premiere's details stay", Given: withdrawn, When: ChangeDetails{Details: longer}, WantErr: ErrNotOnSale},
		{Name: "unknown premiere", When: ChangeDetails{Details: details}, WantErr: ErrNotFound},
	})
}

func TestChangeWithDetails(t *testing.T) {
	given := []domain.Event{published(), detailed()}
	minutes, theatre, bad, title := 95, "МХТ им. Чехова", "javascript:alert(1)", "Маузер. Новая редакция"
	decidertest.Run(t, Decider, []decidertest.Spec[Command]{
		{Name: "a detail not named stays", Given: given, When: Change{DurationMinutes: &minutes, Now: now},
			Then: []domain.Event{DetailsChanged{ID: id, Details: Details{DurationMinutes: 95, Theatre: details.Theatre, PosterURL: details.PosterURL}, At: now}}},
		{Name: "the card and the details together, card first", Given: given, When: Change{Title: &title, Theatre: &theatre, Now: now},
			Then: []domain.Event{
				Edited{ID: id, Card: Card{Title: title, Actors: card.Actors, Description: card.Description}, At: now},
				DetailsChanged{ID: id, Details: Details{DurationMinutes: 150, Theatre: theatre, PosterURL: details.PosterURL}, At: now},
			}},
		{Name: "a bad poster refuses the title too", Given: given, When: Change{Title: &title, PosterURL: &bad, Now: now}, WantErr: domain.ErrInvalid},
	})
}

func TestDetailsEvolve(t *testing.T) {
	s := Decider.Fold([]domain.Event{published(), detailed(), Edited{ID: id, Card: card}})
	if s.Details != details {
		t.Fatalf("details = %+v, want %+v", s.Details, details)
	}
}
