package httpapi

import (
	"errors"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/chance-video/chance/commands"
	"github.com/chance-video/chance/domain/money"
)

type rentBody struct {
	ID        string `json:"id"` // the premiere
	Period    *int   `json:"period"`
	StartsAt  string `json:"starts_at"`
	PaymentID string `json:"payment_id"` // an earlier withdrawal to redeem
}

// input checks the body and turns it into the command's input.
func (in rentBody) input() (commands.RentInput, error) {
	premiere, err := requiredID("id", in.ID)
	if err != nil {
		return commands.RentInput{}, err
	}
	hours, err := requiredPeriod(in.Period)
	if err != nil {
		return commands.RentInput{}, err
	}
	start, err := optionalTime("starts_at", in.StartsAt)
	if err != nil {
		return commands.RentInput{}, err
	}
	withdrawal, err := optionalIDField("payment_id", in.PaymentID)
	return commands.RentInput{PremiereID: premiere, Hours: hours, StartsAt: start, Withdrawal: withdrawal}, err
}

type rentReply struct {
	RentalID     uuid.UUID     `json:"rental_id"`
	PremiereID   uuid.UUID     `json:"premiere_id"`
	PaymentID    uuid.UUID     `json:"payment_id"`
	WithdrawalID *uuid.UUID    `json:"withdrawal_id,omitempty"` // the redeemed withdrawal
	Title        string        `json:"title"`
	Period       int           `json:"period"`
	StartsAt     time.Time     `json:"starts_at"`
	ExpiresAt    time.Time     `json:"expires_at"`
	Price        money.Kopecks `json:"price"`
	Balance      money.Kopecks `json:"balance"`
	Currency     string        `json:"currency"`
}

// rent: POST /rent/ {id, period, starts_at?, payment_id?}
func (a *api) rent(c *gin.Context) {
	var in rentBody
	if err := decode(c, &in, false); err != nil {
		a.fail(c, err)
		return
	}
	rent, err := in.input()
	if err != nil {
		a.fail(c, err)
		return
	}
	res, err := a.cmd.Rent.Handle(c.Request.Context(), commands.Rent{UserID: callerID(c), Rent: rent, Request: a.request(c)})
	a.wrote(c, res.Position) // a rent that lost its race was refunded: the next read must show it
	if err != nil {
		a.fail(c, err)
		return
	}
	if len(res.Rentals) != 1 {
		a.fail(c, errors.New("rent: the order has no single rental"))
		return
	}
	line := res.Rentals[0]
	if line.Refunded { // a replay of a rent that lost the race for the premiere
		a.fail(c, &commands.AlreadyHolding{PremiereID: line.PremiereID})
		return
	}
	c.Header("Location", Prefix+"/billing/status/"+res.OrderID.String())
	replyCommand(c, http.StatusCreated, res.Replayed, rentReply{
		RentalID: line.RentalID, PremiereID: line.PremiereID, PaymentID: res.OrderID, WithdrawalID: optionalID(res.Withdrawn),
		Title: line.Title, Period: line.Hours, StartsAt: line.StartsAt.UTC(), ExpiresAt: line.EndsAt.UTC(),
		Price: line.Price, Balance: res.Balance, Currency: money.Currency,
	})
}

type termBody struct {
	Period *int `json:"period"`
}

type termReply struct {
	RentalID   uuid.UUID     `json:"rental_id"`
	PremiereID uuid.UUID     `json:"premiere_id"`
	Title      string        `json:"title"`
	Period     int           `json:"period"`
	StartsAt   time.Time     `json:"starts_at"`
	ExpiresAt  time.Time     `json:"expires_at"`
	Status     string        `json:"status"`
	PaymentID  *uuid.UUID    `json:"payment_id"` // the charge or refund; null if nothing moved
	Charged    money.Kopecks `json:"charged"`
	Refunded   money.Kopecks `json:"refunded"`
	Balance    money.Kopecks `json:"balance"`
	Currency   string        `json:"currency"`
}

func (a *api) termReply(res commands.TermResult) termReply {
	r := res.Rental
	return termReply{
		RentalID: r.ID, PremiereID: r.PremiereID, Title: r.Title, Period: r.Hours,
		StartsAt: r.StartsAt.UTC(), ExpiresAt: r.EndsAt().UTC(), Status: r.Status(a.clock.Now()),
		PaymentID: optionalID(res.PaymentID), Charged: max(res.Delta, 0), Refunded: max(-res.Delta, 0),
		Balance: res.Balance, Currency: money.Currency,
	}
}

// changeTerm: POST /rent/:rental_id/term {period}
func (a *api) changeTerm(c *gin.Context) {
	id, err := pathID(c, "rental_id")
	if err != nil {
		a.fail(c, err)
		return
	}
	var in termBody
	if err := decode(c, &in, false); err != nil {
		a.fail(c, err)
		return
	}
	hours, err := requiredPeriod(in.Period)
	if err != nil {
		a.fail(c, err)
		return
	}
	res, err := a.cmd.ChangeTerm.Handle(c.Request.Context(), commands.ChangeTerm{UserID: callerID(c), RentalID: id, Hours: hours, Request: a.request(c)})
	a.wrote(c, res.Position) // a compensated extension moved money too
	if err != nil {
		a.fail(c, err)
		return
	}
	replyCommand(c, http.StatusOK, res.Replayed, a.termReply(res))
}

// cancel: POST /rent/:rental_id/cancel (no body needed)
func (a *api) cancel(c *gin.Context) {
	id, err := pathIDWithoutBody(c, "rental_id")
	if err != nil {
		a.fail(c, err)
		return
	}
	res, err := a.cmd.Cancel.Handle(c.Request.Context(), commands.Cancel{UserID: callerID(c), RentalID: id, Request: a.request(c)})
	a.wrote(c, res.Position)
	if err != nil {
		a.fail(c, err)
		return
	}
	replyCommand(c, http.StatusOK, res.Replayed, a.termReply(res))
}

// myPremieres: GET /me/premieres?status=all
func (a *api) myPremieres(c *gin.Context) {
	mine, err := a.q.MyPremieres(c.Request.Context(), callerID(c), c.Query("status"))
	if err != nil {
		a.fail(c, err)
		return
	}
	reply(c, http.StatusOK, mine)
}
