package httpapi

import (
	"errors"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/chance-video/chance/commands"
	"github.com/chance-video/chance/domain/account"
	"github.com/chance-video/chance/domain/cart"
	"github.com/chance-video/chance/domain/money"
	"github.com/chance-video/chance/domain/term"
	"github.com/chance-video/chance/eventlog"
	"github.com/chance-video/chance/queries"
)

// cart: GET /cart
func (a *api) cart(c *gin.Context) {
	view, err := a.q.Cart(c.Request.Context(), callerID(c))
	if err != nil {
		a.fail(c, err)
		return
	}
	reply(c, http.StatusOK, view)
}

type cartItemBody struct {
	PremiereID string `json:"premiere_id"`
	Period     *int   `json:"period"`
	StartsAt   string `json:"starts_at"`
}

// item checks the body; premiere is the path's premiere (uuid.Nil when adding).
func (in cartItemBody) item(premiere uuid.UUID) (cart.Item, error) {
	if premiere == uuid.Nil {
		id, err := requiredID("premiere_id", in.PremiereID)
		if err != nil {
			return cart.Item{}, err
		}
		premiere = id
	} else if in.PremiereID != "" {
		if id, err := parseID("premiere_id", in.PremiereID); err != nil || id != premiere {
			return cart.Item{}, badRequest("premiere_id in the body must be the one in the path, or left out")
		}
	}
	hours, err := requiredPeriod(in.Period)
	if err != nil {
		return cart.Item{}, err
	}
	start, err := optionalTime("starts_at", in.StartsAt)
	return cart.Item{PremiereID: premiere, Hours: hours, StartsAt: start}, err
}

// addToCart: POST /cart/items {premiere_id, period, starts_at?}
func (a *api) addToCart(c *gin.Context) {
	a.editCart(c, uuid.Nil, http.StatusCreated, func(it cart.Item) (eventlog.Position, error) {
		w, err := a.cmd.AddToCart.Handle(c.Request.Context(), commands.AddToCart{UserID: callerID(c), Item: it, Request: a.request(c)})
		return w.Position, err
	})
}

// changeCartItem: PATCH /cart/items/:premiere_id {period, starts_at?}
func (a *api) changeCartItem(c *gin.Context) {
	id, err := pathID(c, "premiere_id")
	if err != nil {
		a.fail(c, err)
		return
	}
	a.editCart(c, id, http.StatusOK, func(it cart.Item) (eventlog.Position, error) {
		w, err := a.cmd.ChangeCartItem.Handle(c.Request.Context(), commands.ChangeCartItem{UserID: callerID(c), Item: it, Request: a.request(c)})
		return w.Position, err
	})
}

// editCart decodes an item, runs the edit and answers with the cart as it now is.
func (a *api) editCart(c *gin.Context, premiere uuid.UUID, status int, edit func(cart.Item) (eventlog.Position, error)) {
	var in cartItemBody
	if err := decode(c, &in, false); err != nil {
		a.fail(c, err)
		return
	}
	it, err := in.item(premiere)
	if err != nil {
		a.fail(c, err)
		return
	}
	pos, err := edit(it)
	if err != nil {
		a.fail(c, err)
		return
	}
	a.answerCart(c, status, pos)
}

// removeFromCart: DELETE /cart/items/:premiere_id
func (a *api) removeFromCart(c *gin.Context) {
	id, err := pathID(c, "premiere_id")
	if err != nil {
		a.fail(c, err)
		return
	}
	w, err := a.cmd.RemoveFromCart.Handle(c.Request.Context(), commands.RemoveFromCart{UserID: callerID(c), PremiereID: id, Request: a.request(c)})
	if err != nil {
		a.fail(c, err)
		return
	}
	a.answerCart(c, http.StatusOK, w.Position)
}

// answerCart records a cart edit and shows the cart once the read model has it.
func (a *api) answerCart(c *gin.Context, status int, pos eventlog.Position) {
	a.wrote(c, pos)
	if !a.await(c, queries.ForCart) {
		return
	}
	view, err := a.q.Cart(c.Request.Context(), callerID(c))
	if err != nil {
		a.fail(c, err)
		return
	}
	reply(c, status, view)
}

type checkoutLine struct {
	RentalID   uuid.UUID     `json:"rental_id"`
	PremiereID uuid.UUID     `json:"premiere_id"`
	Title      string        `json:"title"`
	Period     int           `json:"period"`
	StartsAt   time.Time     `json:"starts_at"`
	ExpiresAt  time.Time     `json:"expires_at"`
	Price      money.Kopecks `json:"price"`
	Refunded   bool          `json:"refunded,omitempty"` // bought meanwhile by another request: money returned
}

type checkoutForm struct {
	Items      []checkoutLine `json:"items"`
	Total      money.Kopecks  `json:"total"`
	Balance    money.Kopecks  `json:"balance"`
	Sufficient bool           `json:"sufficient"`
	Shortfall  money.Kopecks  `json:"shortfall"` // what to top up (POST /billing/fill) before checking out
	Currency   string         `json:"currency"`
}

// checkoutForm: GET /cart/checkout. It prices the cart exactly as checkout will (on
// the write side), so the total it shows is the expected_total checkout accepts.
func (a *api) checkoutForm(c *gin.Context) {
	plan, err := a.cmd.CheckoutForm.Handle(c.Request.Context(), callerID(c))
	if paid := (*account.CartAlreadyPaid)(nil); errors.As(err, &paid) {
		err = paidCartForm{paid}
	}
	if err != nil {
		a.fail(c, err)
		return
	}
	form := checkoutForm{Items: make([]checkoutLine, 0, len(plan.Lines)), Total: plan.Total, Balance: plan.Balance,
		Sufficient: plan.Shortfall() == 0, Shortfall: plan.Shortfall(), Currency: money.Currency}
	for _, l := range plan.Lines {
		form.Items = append(form.Items, checkoutLine{RentalID: l.RentalID, PremiereID: l.PremiereID, Title: l.Title, Period: l.Hours,
			StartsAt: l.StartsAt.UTC(), ExpiresAt: term.End(l.StartsAt, l.Hours).UTC(), Price: l.Price})
	}
	reply(c, http.StatusOK, form)
}

type checkoutBody struct {
	ExpectedTotal *money.Kopecks `json:"expected_total"`
}

type checkoutReply struct {
	OrderID   uuid.UUID      `json:"order_id"`
	PaymentID uuid.UUID      `json:"payment_id"`
	Rentals   []checkoutLine `json:"rentals"`
	Total     money.Kopecks  `json:"total"`
	Balance   money.Kopecks  `json:"balance"`
	Currency  string         `json:"currency"`
}

// checkout: POST /cart/checkout {expected_total}
func (a *api) checkout(c *gin.Context) {
	var in checkoutBody
	if err := decode(c, &in, false); err != nil {
		a.fail(c, err)
		return
	}
	if in.ExpectedTotal == nil {
		a.fail(c, badRequest("expected_total is required: the total you confirmed, from GET %s/cart/checkout", Prefix))
		return
	}
	if err := checkAmount("expected_total", *in.ExpectedTotal); err != nil {
		a.fail(c, err)
		return
	}
	res, err := a.cmd.Checkout.Handle(c.Request.Context(), commands.Checkout{UserID: callerID(c), ExpectedTotal: *in.ExpectedTotal, Request: a.request(c)})
	if changed := (*commands.PriceChanged)(nil); errors.As(err, &changed) {
		err = totalChanged{changed}
	}
	if err != nil {
		a.fail(c, err)
		return
	}
	a.wrote(c, res.Position)
	out := checkoutReply{OrderID: res.OrderID, PaymentID: res.OrderID, Rentals: make([]checkoutLine, 0, len(res.Rentals)),
		Total: res.Total, Balance: res.Balance, Currency: money.Currency}
	for _, l := range res.Rentals {
		out.Rentals = append(out.Rentals, checkoutLine{RentalID: l.RentalID, PremiereID: l.PremiereID, Title: l.Title, Period: l.Hours,
			StartsAt: l.StartsAt.UTC(), ExpiresAt: l.EndsAt.UTC(), Price: l.Price, Refunded: l.Refunded})
	}
	c.Header("Location", Prefix+"/billing/status/"+res.OrderID.String())
	replyCommand(c, http.StatusCreated, res.Replayed, out)
}
