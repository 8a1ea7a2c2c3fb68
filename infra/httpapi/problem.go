package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/chance-video/chance/commands"
	"github.com/chance-video/chance/domain"
	"github.com/chance-video/chance/domain/account"
	"github.com/chance-video/chance/domain/cart"
	"github.com/chance-video/chance/domain/money"
	"github.com/chance-video/chance/domain/premiere"
	"github.com/chance-video/chance/domain/rental"
	"github.com/chance-video/chance/domain/user"
	"github.com/chance-video/chance/eventlog"
	"github.com/chance-video/chance/infra/auth"
	"github.com/chance-video/chance/readmodel/rentals"
)

// Problem is an RFC 9457 problem detail. Every error response of the API is one,
// built from an error by problemFor: this file is the only place that decides which
// status an error gets.
type Problem struct {
	Type     string // a URI naming the kind of problem; "about:blank" when the status says it all
	Title    string // short, the same for every problem of the Type
	Status   int
	Detail   string // what went wrong this time, for the person reading it
	Instance string // the request path
	// Extensions are extra members (balance, shortfall, quote …) clients may act on.
	Extensions map[string]any
	// Header is sent with the response (Retry-After, WWW-Authenticate, Allow).
	Header http.Header
}

func (p *Problem) Error() string { return fmt.Sprintf("%d %s: %s", p.Status, p.Title, p.Detail) }

// MarshalJSON writes the standard members and the extensions side by side, as
// RFC 9457 §3.2 asks.
func (p *Problem) MarshalJSON() ([]byte, error) {
	m := make(map[string]any, len(p.Extensions)+5)
	maps.Copy(m, p.Extensions)
	m["type"], m["title"], m["status"], m["detail"] = p.Type, p.Title, p.Status, p.Detail
	if p.Instance != "" {
		m["instance"] = p.Instance
	}
	return json.Marshal(m)
}

// Problem types: each names a refusal a client must tell apart from the others
// (to act on its extension members, or to say what happened in its own words). The
// URNs name the problem; they are not meant to be fetched. about:blank is left for
// the generic answers where the status says it all (no such route, an unknown id).
const (
	typeValidation        = "urn:chance:problem:validation"
	typeInsufficientFunds = "urn:chance:problem:insufficient-funds"
	typePriceChanged      = "urn:chance:problem:price-changed"
	typeAlreadyHolding    = "urn:chance:problem:already-holding"
	typeCartAlreadyPaid   = "urn:chance:problem:cart-already-paid"
	typeKeyReused         = "urn:chance:problem:idempotency-key-reused"
	typeKeyInFlight       = "urn:chance:problem:idempotency-key-in-flight"
	typeTooManyAttempts   = "urn:chance:problem:too-many-attempts"
	typeNotInTerm         = "urn:chance:problem:not-in-term"

	// Refusals without extension members: the type alone tells the client what
	// happened. Each is one domain error (see refusals) or one answer of this package.
	typeNotOnSale           = "urn:chance:problem:not-on-sale"              // 409: the premiere is no longer on sale
	typeAlreadyInCart       = "urn:chance:problem:already-in-cart"          // 409: in the cart with another term
	typeCartFull            = "urn:chance:problem:cart-full"                // 409: the cart holds cart.MaxItems premieres
	typeCartEmpty           = "urn:chance:problem:cart-empty"               // 409: checkout of an empty cart
	typeNotInCart           = "urn:chance:problem:not-in-cart"              // 404: changing or removing an item the cart lacks
	typeTermChanged         = "urn:chance:problem:term-changed"             // 409: the rental's term changed since the quote
	typeTermChangedRefunded = "urn:chance:problem:term-changed-refunded"    // 409: the same, found after the extension was paid: refunded
	typeRentalCancelled     = "urn:chance:problem:rental-cancelled"         // 409: the rental is cancelled
	typeTermEnded           = "urn:chance:problem:term-ended"               // 409: the rental's term has ended
	typeTooManyTopUps       = "urn:chance:problem:too-many-pending-top-ups" // 409: account.MaxPendingTopUps top-ups await payment
	typeEmailTaken          = "urn:chance:problem:email-taken"              // 409: another user registered this email
	typeContention          = "urn:chance:problem:contention"               // 409: concurrent changes kept winning; retry
	typeChannelNotOffered   = "urn:chance:problem:channel-not-offered"      // 422: a notification channel the shop does not send on
	typeNoCurrentRental     = "urn:chance:problem:no-current-rental"        // 404: no upcoming or active rental of the premiere
	typePaymentDeclined     = "urn:chance:problem:payment-declined"         // 409: redeeming a withdrawal that was declined
	typePaymentRedeemed     = "urn:chance:problem:payment-already-redeemed" // 409: redeeming a withdrawal already used for a rental
	typePaymentNotForRent   = "urn:chance:problem:payment-not-redeemable"   // 409: redeeming a payment that was no withdrawal for a premiere
	typePaymentMismatch     = "urn:chance:problem:payment-mismatch"         // 409: redeeming a withdrawal for another premiere or period
	typeProviderUnavailable = "urn:chance:problem:provider-unavailable"     // 503: the payment provider cannot be reached
	typeStarting            = "urn:chance:problem:starting"                 // 503: the shop is starting (read models catching up)
)

// refusals gives domain errors that are one refusal each their problem type and
// title; their status is their category's (domain.ErrConflict: 409 …) and their
// detail their own, as for any domain error.
var refusals = []struct {
	err        error
	typ, title string
}{
	{premiere.ErrNotOnSale, typeNotOnSale, "Not on sale"},
	{cart.ErrInCart, typeAlreadyInCart, "Already in the cart"},
	{cart.ErrFull, typeCartFull, "Cart full"},
	{commands.ErrCartEmpty, typeCartEmpty, "Cart empty"},
	{cart.ErrNotInCart, typeNotInCart, "Not in the cart"},
	{rental.ErrTermChanged, typeTermChanged, "Term changed"},
	{commands.ErrTermChangedMeanwhile, typeTermChangedRefunded, "Term changed, extension refunded"},
	{rental.ErrCancelled, typeRentalCancelled, "Rental cancelled"},
	{rental.ErrEnded, typeTermEnded, "Term ended"},
	{account.ErrTooManyTopUps, typeTooManyTopUps, "Too many pending top-ups"},
	{user.ErrEmailTaken, typeEmailTaken, "Email taken"},
	{commands.ErrContention, typeContention, "Changed concurrently"},
	{rentals.ErrNoCurrentRental, typeNoCurrentRental, "No current rental"},
	{account.ErrDeclinedPayment, typePaymentDeclined, "Payment declined"},
	{account.ErrAlreadyRedeemed, typePaymentRedeemed, "Payment already redeemed"},
	{account.ErrNotRedeemable, typePaymentNotForRent, "Payment not redeemable"},
	{account.ErrRedeemMismatch, typePaymentMismatch, "Payment for another rental"},
}

// typed gives p the type and title of err's refusal, if it is one of refusals.
func typed(p *Problem, err error) *Problem {
	for _, r := range refusals {
		if errors.Is(err, r.err) {
			p.Type, p.Title = r.typ, r.title
			break
		}
	}
	return p
}

func newProblem(status int, detail string) *Problem {
	return &Problem{Type: "about:blank", Title: http.StatusText(status), Status: status, Detail: detail}
}

// badRequest is a 400 for input the API refuses before anything runs.
func badRequest(format string, args ...any) *Problem {
	p := newProblem(http.StatusBadRequest, fmt.Sprintf(format, args...))
	p.Type, p.Title = typeValidation, "Invalid request"
	return p
}

func unauthorized(detail, bearerError string) *Problem {
	p := newProblem(http.StatusUnauthorized, detail)
	challenge := `Bearer realm="chance"`
	if bearerError != "" {
		challenge += `, error="` + bearerError + `"`
	}
	p.Header = http.Header{"Www-Authenticate": {challenge}}
	return p
}

func forbidden(detail string) *Problem { return newProblem(http.StatusForbidden, detail) }
func notFound(detail string) *Problem  { return newProblem(http.StatusNotFound, detail) }

// tooManyAttempts is a 429; what names the attempts ("sign-in attempts").
func tooManyAttempts(what string, retryAfter time.Duration) *Problem {
	secs := max(int((retryAfter+time.Second-1)/time.Second), 1)
	p := newProblem(http.StatusTooManyRequests, fmt.Sprintf("too many %s; try again in %d s", what, secs))
	p.Type, p.Title = typeTooManyAttempts, "Too many attempts"
	p.Extensions = map[string]any{"retry_after": secs}
	p.Header = http.Header{"Retry-After": {strconv.Itoa(secs)}}
	return p
}

func keyInFlight() *Problem {
	p := newProblem(http.StatusConflict, "a request with this Idempotency-Key is still being processed; retry when it has finished")
	p.Type, p.Title = typeKeyInFlight, "Request in flight"
	return p
}

// totalChanged is a checkout's PriceChanged: the cart's total, not one price.
type totalChanged struct{ *commands.PriceChanged }

func (e totalChanged) Unwrap() error { return e.PriceChanged }

// paidCartForm is CartAlreadyPaid met by GET /cart/checkout: the customer opening the
// form again (after a lost answer, in a second tab) learns that the order went
// through and where its rentals are, not that "nothing was charged for this request".
type paidCartForm struct{ *account.CartAlreadyPaid }

func (e paidCartForm) Unwrap() error { return e.CartAlreadyPaid }

// problemFor maps an error to its problem. Domain errors carry their category and a
// customer-readable detail; anything unrecognised is a 500 whose detail says nothing
// of the internals (the caller logs the error itself).
func problemFor(err error) *Problem {
	var (
		p       *Problem
		short   *account.InsufficientFunds
		changed *commands.PriceChanged
		total   totalChanged
		form    paidCartForm
		holding *commands.AlreadyHolding
		paid    *account.CartAlreadyPaid
		policy  *auth.PolicyError
		outside *rentals.NotInTerm
		channel *commands.ChannelNotOffered
	)
	switch {
	case errors.As(err, &p):
		return p
	case errors.As(err, &short):
		p = newProblem(http.StatusPaymentRequired, fmt.Sprintf("the balance is %d kopecks, %d are needed: top up %d kopecks", short.Balance, short.Needed, short.Shortfall()))
		p.Type, p.Title = typeInsufficientFunds, "Insufficient funds"
		p.Extensions = map[string]any{"balance": short.Balance, "needed": short.Needed, "shortfall": short.Shortfall(), "currency": money.Currency}
		if short.PaymentID != uuid.Nil { // the declined payment: GET /billing/status/:id says rejected
			p.Extensions["payment_id"] = short.PaymentID
			// This key's answer stays this decline, even after a top-up.
			p.Detail += "; this payment was declined: after topping up, send the request again with a new Idempotency-Key"
		}
		return p
	case errors.As(err, &paid):
		detail := fmt.Sprintf("this cart was already paid for by order %s; nothing was charged for this request "+
			"(GET %s/billing/status/%s tells the order's payment)", paid.OrderID, Prefix, paid.OrderID)
		if errors.As(err, &form) {
			detail = fmt.Sprintf("this cart was already paid for by order %s: its premieres are in GET %s/me/premieres, "+
				"the payment in GET %s/billing/status/%s; add premieres to the cart to check out again", paid.OrderID, Prefix, Prefix, paid.OrderID)
		}
		p = newProblem(http.StatusConflict, detail)
		p.Type, p.Title = typeCartAlreadyPaid, "Cart already paid"
		p.Extensions = map[string]any{"order_id": paid.OrderID, "payment_id": paid.OrderID}
		return p
	case errors.As(err, &total):
		p = newProblem(http.StatusConflict, fmt.Sprintf("the cart total is now %d kopecks, not %d; confirm the new total", total.Quote, total.Expected))
		p.Type, p.Title = typePriceChanged, "Price changed"
		p.Extensions = map[string]any{"total": total.Quote, "quote": total.Quote, "expected": total.Expected, "currency": money.Currency}
		return p
	case errors.As(err, &changed):
		p = newProblem(http.StatusConflict, changed.Error())
		p.Type, p.Title = typePriceChanged, "Price changed"
		p.Extensions = map[string]any{"price": changed.Quote, "quote": changed.Quote, "expected": changed.Expected, "currency": money.Currency}
		return p
	case errors.As(err, &holding):
		p = newProblem(http.StatusConflict, holding.Error())
		if holding.RentalID == uuid.Nil {
			p.Detail = "you already hold this premiere (your payment for this request was refunded); change the term of your rental instead"
		}
		p.Type, p.Title = typeAlreadyHolding, "Already holding"
		p.Extensions = map[string]any{"premiere_id": holding.PremiereID, "rental_id": optionalID(holding.RentalID)}
		return p
	case errors.As(err, &outside):
		p = forbidden(outside.Error())
		p.Type, p.Title = typeNotInTerm, "Not in the rental's term"
		p.Extensions = map[string]any{"reason": outside.Reason, "starts_at": outside.StartsAt.UTC(), "ends_at": outside.EndsAt.UTC()}
		return p
	case errors.Is(err, ErrRebuildInProgress):
		return newProblem(http.StatusConflict, err.Error())
	case errors.Is(err, commands.ErrKeyReused):
		p = newProblem(http.StatusUnprocessableEntity, "this Idempotency-Key was already used for a different request; use a new key for a new request")
		p.Type, p.Title = typeKeyReused, "Idempotency key reused"
		return p
	case errors.Is(err, commands.ErrNoVerifier):
		return notFound("this shop takes no payment notifications from this provider")
	case errors.Is(err, commands.ErrProviderUnavailable):
		p = newProblem(http.StatusServiceUnavailable, "the payment provider cannot be reached right now; retry in a moment with the same Idempotency-Key")
		p.Type, p.Title = typeProviderUnavailable, "Payment provider unavailable"
		p.Header = http.Header{"Retry-After": {"5"}}
		return p
	case errors.As(err, &policy):
		return badRequest("%s", policy.Error())
	case errors.Is(err, domain.ErrInvalid):
		return badRequest("%s", domainDetail(err))
	case errors.As(err, &channel):
		p = newProblem(http.StatusUnprocessableEntity, channel.Error())
		p.Type, p.Title = typeChannelNotOffered, "Channel not offered"
		return p
	case errors.Is(err, domain.ErrNotFound):
		return typed(notFound(domainDetail(err)), err)
	case errors.Is(err, domain.ErrConflict):
		return typed(newProblem(http.StatusConflict, domainDetail(err)), err)
	case errors.Is(err, domain.ErrUnprocessable):
		return newProblem(http.StatusUnprocessableEntity, domainDetail(err))
	case errors.Is(err, domain.ErrFunds):
		return newProblem(http.StatusPaymentRequired, domainDetail(err))
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return newProblem(http.StatusServiceUnavailable, "the request was cancelled or took too long; retry it (with the same Idempotency-Key, if it had one)")
	case eventlog.Unavailable(err):
		p = newProblem(http.StatusServiceUnavailable, "a service the shop depends on cannot be reached right now; retry in a moment (with the same Idempotency-Key, if the request had one)")
		p.Header = http.Header{"Retry-After": {"5"}}
		return p
	}
	return newProblem(http.StatusInternalServerError, "something went wrong on our side; it has been logged. Retry later (with the same Idempotency-Key, if the request had one)")
}

// domainDetail is a domain error's own detail, without the context command handlers
// wrapped around it (stream names are not for customers).
func domainDetail(err error) string {
	var derr *domain.Error
	if errors.As(err, &derr) {
		return derr.Detail
	}
	return err.Error()
}

// failureLevel is how loud a failed answer is logged: a 503 (a store or provider out
// of reach, the shop starting, a request cut short) is temporary and retried, a
// warning; any other 5xx is the shop's own failure, an error.
func failureLevel(status int) slog.Level {
	if status == http.StatusServiceUnavailable {
		return slog.LevelWarn
	}
	return slog.LevelError
}

// fail answers the request with err's problem and stops the handler chain.
func (a *api) fail(c *gin.Context, err error) {
	if declined := (*commands.Declined)(nil); errors.As(err, &declined) {
		a.wrote(c, declined.Position) // a recorded decline is a write: the next read sees it
		if declined.Replayed {
			c.Header(headerReplayed, "true") // the stored answer to this key, as for a success
		}
	}
	p := *problemFor(err) // a copy: the mapped problem may be a shared value
	switch {
	case clientGone(c, err):
		// Nobody reads this answer; the request line says the client went away.
		c.Set(outcomeKey, outcomeClientGone)
		a.log.InfoContext(c.Request.Context(), "client went away", "error", err, "method", c.Request.Method,
			"path", c.Request.URL.Path, "request_id", requestID(c))
	case p.Status >= http.StatusInternalServerError:
		a.log.Log(c.Request.Context(), failureLevel(p.Status), "request failed", "error", err, "method", c.Request.Method,
			"path", c.Request.URL.Path, "status", p.Status, "request_id", requestID(c))
	}
	p.Instance = c.Request.URL.Path
	if p.Extensions == nil {
		p.Extensions = map[string]any{}
	} else {
		p.Extensions = maps.Clone(p.Extensions)
	}
	p.Extensions["request_id"] = requestID(c)
	for k, vs := range p.Header {
		for _, v := range vs {
			c.Writer.Header().Add(k, v)
		}
	}
	body, merr := json.Marshal(&p)
	if merr != nil {
		body = []byte(`{"type":"about:blank","title":"Internal Server Error","status":500}`)
		p.Status = http.StatusInternalServerError
	}
	c.Abort()
	c.Data(p.Status, "application/problem+json", body)
}
