package httpapi

import (
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/chance-video/chance/commands"
	"github.com/chance-video/chance/domain/account"
	"github.com/chance-video/chance/domain/money"
	"github.com/chance-video/chance/queries"
	"github.com/chance-video/chance/readmodel"
)

// balance: GET /billing/amount/
func (a *api) balance(c *gin.Context) {
	b, err := a.q.Balance(c.Request.Context(), callerID(c))
	if err != nil {
		a.fail(c, err)
		return
	}
	reply(c, http.StatusOK, b)
}

type paymentReply struct {
	PaymentID  uuid.UUID     `json:"payment_id"`
	Status     string        `json:"status"`
	Amount     money.Kopecks `json:"amount"`
	Balance    money.Kopecks `json:"balance"`
	Currency   string        `json:"currency"`
	PremiereID *uuid.UUID    `json:"premiere_id,omitempty"` // a withdrawal's premiere
	Period     int           `json:"period,omitempty"`      // a withdrawal's term
	// ConfirmationURL is where the customer pays a pending top-up.
	ConfirmationURL string `json:"confirmation_url,omitempty"`
}

func paymentOf(p commands.Payment) paymentReply {
	out := paymentReply{PaymentID: p.PaymentID, Status: readmodel.PaymentSucceeded, Amount: p.Amount, Balance: p.Balance, Currency: money.Currency}
	if p.TopUp != account.TopUpUnknown {
		out.Status = statusOfTopUp(p.TopUp)
	}
	if p.TopUp == account.TopUpPending {
		out.ConfirmationURL = p.ConfirmationURL
	}
	return out
}

type fillBody struct {
	Summ *money.Kopecks `json:"summ"`
}

// fill: POST /billing/fill {summ}
func (a *api) fill(c *gin.Context) {
	var in fillBody
	if err := decode(c, &in, false); err != nil {
		a.fail(c, err)
		return
	}
	summ, err := requiredAmount("summ", in.Summ)
	if err != nil {
		a.fail(c, err)
		return
	}
	p, err := a.cmd.Fill.Handle(c.Request.Context(), commands.Fill{UserID: callerID(c), Amount: summ, Request: a.request(c)})
	if err != nil {
		a.fail(c, err)
		return
	}
	a.wrote(c, p.Position)
	c.Header("Location", Prefix+"/billing/status/"+p.PaymentID.String())
	replyCommand(c, http.StatusCreated, p.Replayed, paymentOf(p))
}

type withdrawBody struct {
	ID     string         `json:"id"` // the premiere
	Summ   *money.Kopecks `json:"summ"`
	Period *int           `json:"period"`
}

// withdraw: POST /billing/withdraw/ {id, summ, period}: pays the current quote now,
// to be redeemed by POST /rent/ with payment_id.
func (a *api) withdraw(c *gin.Context) {
	var in withdrawBody
	if err := decode(c, &in, false); err != nil {
		a.fail(c, err)
		return
	}
	var (
		summ  money.Kopecks
		hours int
	)
	premiere, err := requiredID("id", in.ID)
	if err == nil {
		summ, err = requiredAmount("summ", in.Summ)
	}
	if err == nil {
		hours, err = requiredPeriod(in.Period)
	}
	if err != nil {
		a.fail(c, err)
		return
	}
	p, err := a.cmd.Withdraw.Handle(c.Request.Context(), commands.Withdraw{UserID: callerID(c), PremiereID: premiere, Hours: hours, Amount: summ, Request: a.request(c)})
	if err != nil {
		a.fail(c, err)
		return
	}
	a.wrote(c, p.Position)
	out := paymentOf(p)
	out.PremiereID, out.Period = &premiere, hours
	c.Header("Location", Prefix+"/billing/status/"+p.PaymentID.String())
	replyCommand(c, http.StatusCreated, p.Replayed, out)
}

// paymentStatus: GET /billing/status/:id
func (a *api) paymentStatus(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		a.fail(c, err)
		return
	}
	p, err := a.q.Payment(c.Request.Context(), callerID(c), id)
	if err != nil {
		a.fail(c, err)
		return
	}
	reply(c, http.StatusOK, p)
}

// history: GET /billing/history?from=&to=&after=&limit=
func (a *api) history(c *gin.Context) {
	f, err := ledgerFilter(c)
	if err != nil {
		a.fail(c, err)
		return
	}
	h, err := a.q.History(c.Request.Context(), callerID(c), f)
	if err != nil {
		a.fail(c, err)
		return
	}
	reply(c, http.StatusOK, h)
}

// ledgerFilter reads the billing-history filters shared by history and audit.
func ledgerFilter(c *gin.Context) (queries.LedgerFilter, error) {
	var f queries.LedgerFilter
	var err error
	if f.From, err = queryTime(c, "from"); err != nil {
		return f, err
	}
	if f.To, err = queryTime(c, "to"); err != nil {
		return f, err
	}
	if f.After, err = queryUint(c, "after"); err != nil {
		return f, err
	}
	f.Limit, err = queryInt(c, "limit")
	return f, err
}
