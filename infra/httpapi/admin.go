package httpapi

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/chance-video/chance/commands"
	"github.com/chance-video/chance/domain/money"
	"github.com/chance-video/chance/domain/premiere"
	"github.com/chance-video/chance/domain/pricing"
	"github.com/chance-video/chance/domain/term"
	"github.com/chance-video/chance/queries"
	"github.com/chance-video/chance/readmodel/catalogue"
)

type publishBody struct {
	Title            *string        `json:"title"` // required, like online_price and reservation_hours
	Actors           []string       `json:"actors"`
	Description      string         `json:"description"`
	TheaterPrice     money.Kopecks  `json:"theater_price"`
	OnlinePrice      *money.Kopecks `json:"online_price"`
	ReservationHours *int           `json:"reservation_hours"`
	DiscountPercent  int            `json:"discount_percent"`
	DurationMinutes  int            `json:"duration_minutes"`
	Theatre          string         `json:"theatre"`
	PosterURL        string         `json:"poster_url"`
}

// missing names the first required field the body leaves out (or sends as null):
// read as "" or 0 it would be blamed as too short or out of range.
func (in publishBody) missing() error {
	switch {
	case in.Title == nil:
		return badRequest("title is required")
	case in.OnlinePrice == nil:
		return badRequest("online_price is required: the price in kopecks for the standard term, reservation_hours")
	case in.ReservationHours == nil:
		return badRequest("reservation_hours is required: the standard term in whole hours, from %d to %d", term.MinHours, term.MaxHours)
	}
	return nil
}

// publish: POST /admin/premieres — the id is generated here.
func (a *api) publish(c *gin.Context) {
	var in publishBody
	if err := decode(c, &in, false); err != nil {
		a.fail(c, err)
		return
	}
	if err := in.missing(); err != nil {
		a.fail(c, err)
		return
	}
	id := uuid.New()
	cmd := premiere.Publish{ID: id, Card: premiere.Card{Title: *in.Title, Actors: in.Actors, Description: in.Description},
		TheaterPrice: in.TheaterPrice, Now: a.clock.Now(),
		Details: premiere.Details{DurationMinutes: in.DurationMinutes, Theatre: in.Theatre, PosterURL: in.PosterURL},
		Terms:   pricing.Terms{OnlinePrice: *in.OnlinePrice, StandardHours: *in.ReservationHours, DiscountPercent: in.DiscountPercent}}
	w, err := a.cmd.PublishPremiere.Handle(c.Request.Context(), commands.PublishPremiere{Publish: cmd, Request: a.request(c)})
	if err != nil {
		a.fail(c, err)
		return
	}
	a.wrote(c, w.Position)
	c.Header("Location", Prefix+"/premiere/"+id.String())
	reply(c, http.StatusCreated, cardOf(w.State))
}

// premierePatch holds the fields to change; absent ones stay as they are.
type premierePatch struct {
	Title            *string        `json:"title"`
	Actors           *[]string      `json:"actors"`
	Description      *string        `json:"description"`
	TheaterPrice     *money.Kopecks `json:"theater_price"`
	OnlinePrice      *money.Kopecks `json:"online_price"`
	ReservationHours *int           `json:"reservation_hours"`
	DiscountPercent  *int           `json:"discount_percent"`
	DurationMinutes  *int           `json:"duration_minutes"`
	Theatre          *string        `json:"theatre"`
	PosterURL        *string        `json:"poster_url"`
}

// empty reports whether the patch names nothing to change.
func (p premierePatch) empty() bool { return p == premierePatch{} }

// command is the patch as one catalogue command: the domain completes it from the
// premiere's current state and decides every part on that one state.
func (p premierePatch) command(now time.Time) premiere.Change {
	return premiere.Change{Title: p.Title, Actors: p.Actors, Description: p.Description, TheaterPrice: p.TheaterPrice,
		OnlinePrice: p.OnlinePrice, StandardHours: p.ReservationHours, DiscountPercent: p.DiscountPercent,
		DurationMinutes: p.DurationMinutes, Theatre: p.Theatre, PosterURL: p.PosterURL, Now: now}
}

// changePremiere: PATCH /admin/premieres/:id — any of title, actors, description,
// theater_price, online_price, reservation_hours, discount_percent, duration_minutes,
// theatre, poster_url. The patch is one
// command appended in one step, so it is recorded whole or not at all.
func (a *api) changePremiere(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		a.fail(c, err)
		return
	}
	var in premierePatch
	if err := decode(c, &in, false); err != nil {
		a.fail(c, err)
		return
	}
	if in.empty() {
		a.fail(c, badRequest("nothing to change: send any of title, actors, description, theater_price, online_price, reservation_hours, discount_percent, duration_minutes, theatre, poster_url"))
		return
	}
	w, err := a.cmd.ChangePremiere.Handle(c.Request.Context(), commands.ChangePremiere{PremiereID: id, Change: in.command(a.clock.Now()), Request: a.request(c)})
	if err != nil {
		a.fail(c, err)
		return
	}
	a.wrote(c, w.Position)
	reply(c, http.StatusOK, cardOf(w.State))
}

// withdrawFromSale: DELETE /admin/premieres/:id — rentals already bought stay.
func (a *api) withdrawFromSale(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		a.fail(c, err)
		return
	}
	w, err := a.cmd.WithdrawPremiere.Handle(c.Request.Context(), commands.WithdrawPremiere{PremiereID: id, Request: a.request(c)})
	if err != nil {
		a.fail(c, err)
		return
	}
	a.wrote(c, w.Position)
	c.Status(http.StatusNoContent)
}

// cardOf shows the write side's premiere as the card queries show.
func cardOf(s premiere.State) queries.Card {
	return queries.CardOf(catalogue.Premiere{ID: s.ID, Title: s.Card.Title, Actors: s.Card.Actors, Description: s.Card.Description,
		TheaterPrice: s.TheaterPrice, Terms: s.Terms, OnSale: s.OnSale(),
		DurationMinutes: s.Details.DurationMinutes, Theatre: s.Details.Theatre, PosterURL: s.Details.PosterURL})
}
