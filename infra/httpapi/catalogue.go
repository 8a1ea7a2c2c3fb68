package httpapi

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/chance-video/chance/domain/money"
	"github.com/chance-video/chance/readmodel/catalogue"
)

// search: GET /search/?q=Маузер&actor=&min_price=&max_price=&min_discount=&sort=&page=&limit=
func (a *api) search(c *gin.Context) {
	var first error // the first bad parameter is the one reported
	number := func(name string) int {
		n, err := queryInt(c, name)
		if first == nil {
			first = err
		}
		return n
	}
	text := func(name string) string {
		v, err := queryText(c, name)
		if first == nil {
			first = err
		}
		return v
	}
	s := catalogue.SearchQuery{
		Text: text("q"), Actor: text("actor"), Sort: text("sort"),
		MinPrice: money.Kopecks(number("min_price")), MaxPrice: money.Kopecks(number("max_price")),
		MinDiscount: number("min_discount"), Page: number("page"), Limit: number("limit"),
	}
	if first != nil {
		a.fail(c, first)
		return
	}
	page, err := a.q.Search(c.Request.Context(), s)
	if err != nil {
		a.fail(c, err)
		return
	}
	reply(c, http.StatusOK, page)
}

// premiere: GET /premiere/:id
func (a *api) premiere(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		a.fail(c, err)
		return
	}
	card, err := a.q.Premiere(c.Request.Context(), id)
	if err != nil {
		a.fail(c, err)
		return
	}
	reply(c, http.StatusOK, card)
}

// quote: GET /rent/:id?period=N
func (a *api) quote(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		a.fail(c, err)
		return
	}
	if c.Query("period") == "" { // absent, or ?period= with nothing: not a 0 out of range
		a.fail(c, badRequest("query parameter period is required: the term in whole hours, from 1 to 720"))
		return
	}
	hours, err := queryInt(c, "period")
	if err == nil {
		err = checkPeriod(hours)
	}
	if err != nil {
		a.fail(c, err)
		return
	}
	q, err := a.q.Quote(c.Request.Context(), id, hours)
	if err != nil {
		a.fail(c, err)
		return
	}
	reply(c, http.StatusOK, q)
}

// term: GET /premiere/:id/term
func (a *api) term(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		a.fail(c, err)
		return
	}
	t, err := a.q.Term(c.Request.Context(), callerID(c), id)
	if err != nil {
		a.fail(c, err)
		return
	}
	reply(c, http.StatusOK, t)
}
