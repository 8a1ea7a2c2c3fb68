package httpapi

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/chance-video/chance/domain/money"
	"github.com/chance-video/chance/domain/premiere"
	"github.com/chance-video/chance/domain/pricing"
	"github.com/chance-video/chance/eventlog"
	"github.com/chance-video/chance/queries"
	"github.com/chance-video/chance/readmodel/catalogue"
)

type publishBody struct {
	Title            string        `json:"title"`
	Actors           []string      `json:"actors"`
	Description      string        `json:"description"`
	TheaterPrice     money.Kopecks `json:"theater_price"`
	OnlinePrice      money.Kopecks `json:"online_price"`
	ReservationHours int           `json:"reservation_hours"`
	DiscountPercent  int           `json:"discount_percent"`
}

// publish: POST /admin/premieres — the id is generated here.
func (a *api) publish(c *gin.Context) {
	var in publishBody
	if err := decode(c, &in, false); err != nil {
		a.fail(c, err)
		return
	}
	id := uuid.New()
	cmd := premiere.Publish{ID: id, Card: premiere.Card{Title: in.Title, Actors: in.Actors, Description: in.Description},
		TheaterPrice: in.TheaterPrice, Now: a.clock.Now(),
		Terms: pricing.Terms{OnlinePrice: in.OnlinePrice, StandardHours: in.ReservationHours, DiscountPercent: in.DiscountPercent}}
	s, pos, err := a.cmd.Premiere(c.Request.Context(), id, cmd, a.request(c))
	if err != nil {
		a.fail(c, err)
		return
	}
	a.wrote(c, pos)
	c.Header("Location", Prefix+"/premiere/"+id.String())
	reply(c, http.StatusCreated, cardOf(s))
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
}

// commands turns the patch into the catalogue's commands, completed from the
// current state: the card fields into an Edit, the prices into a Reprice, the
// discount into a ChangeDiscount.
func (p premierePatch) commands(s premiere.State, now time.Time) []premiere.Command {
	var cmds []premiere.Command
	if p.Title != nil || p.Actors != nil || p.Description != nil {
		card := s.Card
		card.Title = deref(p.Title, card.Title)
		card.Actors = deref(p.Actors, card.Actors)
		card.Description = deref(p.Description, card.Description)
		cmds = append(cmds, premiere.Edit{Card: card, Now: now})
	}
	if p.TheaterPrice != nil || p.OnlinePrice != nil || p.ReservationHours != nil {
		cmds = append(cmds, premiere.Reprice{
			TheaterPrice:  deref(p.TheaterPrice, s.TheaterPrice),
			OnlinePrice:   deref(p.OnlinePrice, s.Terms.OnlinePrice),
			StandardHours: deref(p.ReservationHours, s.Terms.StandardHours),
			Now:           now,
		})
	}
	if p.DiscountPercent != nil {
		cmds = append(cmds, premiere.ChangeDiscount{Percent: *p.DiscountPercent, Now: now})
	}
	return cmds
}

func deref[T any](p *T, otherwise T) T {
	if p == nil {
		return otherwise
	}
	return *p
}

// changePremiere: PATCH /admin/premieres/:id — any of title, actors, description,
// theater_price, online_price, reservation_hours, discount_percent.
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
	ctx := c.Request.Context()
	s, err := a.cmd.LoadPremiere(ctx, id)
	if err != nil {
		a.fail(c, err)
		return
	}
	cmds := in.commands(s, a.clock.Now())
	if len(cmds) == 0 {
		a.fail(c, badRequest("nothing to change: send any of title, actors, description, theater_price, online_price, reservation_hours, discount_percent"))
		return
	}
	// A patch is several commands; deciding them all first on the current state
	// means a bad field refuses the whole patch before any of it is recorded.
	if err := decideAll(s, cmds); err != nil {
		a.fail(c, err)
		return
	}
	var last eventlog.Position
	for _, cmd := range cmds {
		var pos eventlog.Position
		if s, pos, err = a.cmd.Premiere(ctx, id, cmd, a.request(c)); err != nil {
			a.fail(c, err)
			return
		}
		if last.Less(pos) {
			last = pos
		}
	}
	a.wrote(c, last)
	reply(c, http.StatusOK, cardOf(s))
}

func decideAll(s premiere.State, cmds []premiere.Command) error {
	for _, cmd := range cmds {
		events, err := premiere.Decide(cmd, s)
		if err != nil {
			return err
		}
		for _, e := range events {
			s = premiere.Evolve(s, e)
		}
	}
	return nil
}

// withdrawFromSale: DELETE /admin/premieres/:id — rentals already bought stay.
func (a *api) withdrawFromSale(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		a.fail(c, err)
		return
	}
	_, pos, err := a.cmd.Premiere(c.Request.Context(), id, premiere.WithdrawFromSale{Now: a.clock.Now()}, a.request(c))
	if err != nil {
		a.fail(c, err)
		return
	}
	a.wrote(c, pos)
	c.Status(http.StatusNoContent)
}

// cardOf shows the write side's premiere as the card queries show.
func cardOf(s premiere.State) queries.Card {
	return queries.CardOf(catalogue.Premiere{ID: s.ID, Title: s.Card.Title, Actors: s.Card.Actors, Description: s.Card.Description,
		TheaterPrice: s.TheaterPrice, Terms: s.Terms, OnSale: s.OnSale()})
}
