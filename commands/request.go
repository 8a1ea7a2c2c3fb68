package commands

import (
	"fmt"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain"
	"github.com/chance-video/chance/domain/account"
	"github.com/chance-video/chance/domain/money"
	"github.com/chance-video/chance/eventlog"
)

// Request is the client request behind a command.
type Request struct {
	// Key is the Idempotency-Key. Commands that move money require one: a retry with
	// the same key and fingerprint returns the original outcome and moves no money.
	Key string
	// Fingerprint identifies the request's content (method, path, body); the same key
	// with another fingerprint is ErrKeyReused.
	Fingerprint   string
	UserID        uuid.UUID // who asks; uuid.Nil for the system (scheduler, recovery)
	CorrelationID string
	CausationID   string
}

var (
	// ErrKeyRequired: a command that moves money came without an idempotency key.
	ErrKeyRequired = domain.Invalid("the Idempotency-Key header is required for requests that move money")
	// ErrKeyReused: the idempotency key was already used for a different request.
	// A client's mistake, not the shop's failure: it is a refusal (domain.ErrUnprocessable).
	ErrKeyReused = domain.Unprocessable("idempotency key reused with a different request")
	// ErrContention: the stream kept changing under the command; the client may retry.
	ErrContention = domain.Conflict("the data changed concurrently too many times; retry the request")
)

// PriceChanged: the client's expected amount is not the current quote.
type PriceChanged struct {
	Expected money.Kopecks
	Quote    money.Kopecks
}

func (e *PriceChanged) Error() string {
	return fmt.Sprintf("the price is now %d kopecks, not %d; confirm the new amount", e.Quote, e.Expected)
}

func (e *PriceChanged) Unwrap() error { return domain.ErrConflict }

// AlreadyHolding: the customer already holds (upcoming or active) a rental of the premiere.
type AlreadyHolding struct {
	PremiereID uuid.UUID
	RentalID   uuid.UUID
}

func (e *AlreadyHolding) Error() string {
	return fmt.Sprintf("you already hold premiere %s as rental %s; change its term instead", e.PremiereID, e.RentalID)
}

func (e *AlreadyHolding) Unwrap() error { return domain.ErrConflict }

// Declined: the account declined a debit and recorded the decline. It is the answer
// to the request and to every retry with its key, even after a top-up: a new key pays.
type Declined struct {
	*account.InsufficientFunds
	Position eventlog.Position // of the recorded decline
	Replayed bool              // a retry found the decline
}

func (e *Declined) Unwrap() error { return e.InsufficientFunds }

// declineOf is the answer of a debit the account declined, or nil if it did not.
func declineOf[S any](out Outcome[S]) error {
	if len(out.Events) == 0 {
		return nil
	}
	d, ok := out.Events[0].(account.PaymentDeclined)
	if !ok {
		return nil
	}
	return &Declined{InsufficientFunds: d.Refusal(), Position: out.Position, Replayed: out.Replayed}
}

// moved checks that a money command decided something. An account that has already
// processed the request's payment id without holding this request's key saw the key on
// another operation (its refund recorded under a step key): the key was reused.
func moved[S any](out Outcome[S]) error {
	if !out.Replayed && len(out.Events) == 0 {
		return ErrKeyReused
	}
	return nil
}

// namespace derives deterministic ids; WARNING: changing it breaks idempotency of
// every request retried across the change.
var namespace = uuid.MustParse("0b6c1f4e-2d8a-4e57-9a31-5c7d0e9f8b24")

// PaymentID is the payment (and flow) id of a customer's request: the same key
// always names the same payment, so a retry cannot pay twice.
func PaymentID(user uuid.UUID, key string) uuid.UUID {
	return uuid.NewSHA1(namespace, []byte("payment/"+user.String()+"/"+key))
}

// stepPayment names a payment made by a step of a flow (a refund, a compensation).
func stepPayment(flow uuid.UUID, step string) uuid.UUID {
	return uuid.NewSHA1(namespace, []byte("step/"+flow.String()+"/"+step))
}

// stepRequest is the request of one step of a flow: keyed by the flow and the step,
// so repeating the step finds its own events instead of deciding again.
func stepRequest(flow uuid.UUID, step string) Request {
	key := "step:" + flow.String() + "/" + step
	return Request{Key: key, Fingerprint: key, CorrelationID: flow.String(), CausationID: flow.String()}
}
