package account

import (
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain"
	"github.com/chance-video/chance/domain/money"
)

// A top-up through a payment provider is pending until the provider settles it: paid
// (FundsAdded with the top-up's payment id: the only event that credits the balance),
// declined, or left unpaid until it expires (TopUpCanceled). A provider that reports a
// payment after it expired took the customer's money, so it is credited all the same.

// RequestTopUp opens a top-up the customer pays at Provider.
type RequestTopUp struct {
	UserID          uuid.UUID
	Payment         uuid.UUID
	Amount          money.Kopecks
	Provider        string // "test", "yookassa"
	ProviderPayment string // the provider's id of the payment
	ConfirmationURL string // where the customer pays
	ExpiresAt       time.Time
	Now             time.Time
}

// SettleTopUp records what the provider says of a top-up: paid Amount, or canceled.
type SettleTopUp struct {
	UserID          uuid.UUID
	Payment         uuid.UUID
	Provider        string
	ProviderPayment string // "" when the provider's id is ours (the test provider)
	Paid            bool
	Amount          money.Kopecks // what the provider says was paid
	Now             time.Time
}

// ExpireTopUp ends a top-up still pending at its expiry.
type ExpireTopUp struct {
	UserID  uuid.UUID
	Payment uuid.UUID
	Now     time.Time
}

func (RequestTopUp) isAccountCommand() {}
func (SettleTopUp) isAccountCommand()  {}
func (ExpireTopUp) isAccountCommand()  {}

// TopUpRequested: a top-up waits for the customer to pay at the provider. No money moved.
type TopUpRequested struct {
	UserID          uuid.UUID
	Payment         uuid.UUID
	Amount          money.Kopecks
	Provider        string
	ProviderPayment string
	ConfirmationURL string
	ExpiresAt       time.Time
	At              time.Time
}

// TopUpCanceled: a pending top-up ended unpaid. No money moved.
type TopUpCanceled struct {
	UserID  uuid.UUID
	Payment uuid.UUID
	Amount  money.Kopecks
	Reason  CancelReason
	At      time.Time
}

// CancelReason says why a top-up ended unpaid.
type CancelReason string

// Reasons a top-up ends unpaid.
const (
	// CanceledDeclined: the customer or the provider declined the payment.
	CanceledDeclined CancelReason = "declined"
	// CanceledExpired: nobody paid before the top-up expired.
	CanceledExpired CancelReason = "expired"
)

func (TopUpRequested) EventType() string { return "account.top_up_requested.v1" }
func (TopUpCanceled) EventType() string  { return "account.top_up_canceled.v1" }

// TopUp is a provider top-up not yet paid: pending, or expired (a late payment is still
// credited).
type TopUp struct {
	Amount          money.Kopecks
	Provider        string
	ProviderPayment string
	ConfirmationURL string
	ExpiresAt       time.Time
}

// TopUpStatus is where a provider top-up stands.
type TopUpStatus uint8

// Statuses of a provider top-up.
const (
	TopUpUnknown TopUpStatus = iota // no top-up through a provider with this payment id
	TopUpPending
	TopUpSucceeded
	TopUpDeclined
	TopUpExpired
)

// Errors of provider top-ups.
var (
	ErrUnknownTopUp    = domain.NotFound("no top-up through a payment provider with this id on this account")
	ErrTopUpProvider   = domain.Conflict("this top-up was made through another payment provider or provider payment")
	ErrTopUpAmount     = domain.Conflict("the amount paid differs from the top-up's amount")
	ErrTopUpNotExpired = domain.Conflict("this top-up has not expired yet")
	ErrTooManyTopUps   = domain.Conflict(fmt.Sprintf("%d top-ups are already waiting for payment: pay or decline one, or let it expire, before opening another", MaxPendingTopUps))
)

// MaxPendingTopUps bounds the top-ups of an account waiting for payment at once: each
// is a payment opened at the provider and kept in the account's state.
const MaxPendingTopUps = 10

// PendingTopUps counts the top-ups still waiting for payment at now (pending and not
// past their expiry, whether or not the scheduler has expired them yet).
func (s State) PendingTopUps(now time.Time) int {
	n := 0
	for p, t := range s.topUps {
		if d, _ := s.decided.Get(p); d == wasPending && now.Before(t.ExpiresAt) {
			n++
		}
	}
	return n
}

// TopUp is a provider top-up's status and, unless it succeeded or was declined, what it
// was requested with.
func (s State) TopUp(payment uuid.UUID) (TopUp, TopUpStatus) {
	switch d, _ := s.decided.Get(payment); d {
	case wasPending:
		return s.topUps[payment], TopUpPending
	case wasExpired:
		return s.topUps[payment], TopUpExpired
	case wasTopUpPaid:
		return TopUp{}, TopUpSucceeded
	case wasTopUpDeclined:
		return TopUp{}, TopUpDeclined
	}
	return TopUp{}, TopUpUnknown
}

func requestTopUp(c RequestTopUp, s State) ([]domain.Event, error) {
	if err := money.CheckOperation(c.Amount); err != nil {
		return nil, err
	}
	if s.Processed(c.Payment) {
		return nil, nil // a retry: the top-up is already open (or settled)
	}
	if c.Provider == "" || !c.ExpiresAt.After(c.Now) {
		return nil, domain.Invalid("a top-up needs a payment provider and an expiry after now")
	}
	if s.PendingTopUps(c.Now) >= MaxPendingTopUps {
		return nil, ErrTooManyTopUps
	}
	return []domain.Event{TopUpRequested{UserID: c.UserID, Payment: c.Payment, Amount: c.Amount, Provider: c.Provider,
		ProviderPayment: c.ProviderPayment, ConfirmationURL: c.ConfirmationURL, ExpiresAt: c.ExpiresAt, At: c.Now}}, nil
}

func settleTopUp(c SettleTopUp, s State) ([]domain.Event, error) {
	t, status := s.TopUp(c.Payment)
	switch status {
	case TopUpUnknown:
		return nil, ErrUnknownTopUp
	case TopUpSucceeded, TopUpDeclined:
		return nil, nil // settled once: a repeated or contradicting notification changes nothing
	}
	if t.Provider != c.Provider || (c.ProviderPayment != "" && c.ProviderPayment != t.ProviderPayment) {
		return nil, ErrTopUpProvider
	}
	if !c.Paid {
		if status == TopUpExpired {
			return nil, nil // already ended unpaid
		}
		return []domain.Event{TopUpCanceled{UserID: c.UserID, Payment: c.Payment, Amount: t.Amount, Reason: CanceledDeclined, At: c.Now}}, nil
	}
	if c.Amount != t.Amount {
		return nil, ErrTopUpAmount
	}
	// Pending, or expired and paid late: the money was taken, so it is credited.
	return []domain.Event{FundsAdded{UserID: c.UserID, Payment: c.Payment, Amount: t.Amount, BalanceAfter: s.Balance + t.Amount, At: c.Now}}, nil
}

func expireTopUp(c ExpireTopUp, s State) ([]domain.Event, error) {
	t, status := s.TopUp(c.Payment)
	switch status {
	case TopUpUnknown:
		return nil, ErrUnknownTopUp
	case TopUpPending:
		if c.Now.Before(t.ExpiresAt) {
			return nil, ErrTopUpNotExpired
		}
		return []domain.Event{TopUpCanceled{UserID: c.UserID, Payment: c.Payment, Amount: t.Amount, Reason: CanceledExpired, At: c.Now}}, nil
	}
	return nil, nil // settled or expired already
}
