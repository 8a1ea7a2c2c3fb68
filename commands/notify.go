package commands

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain"
	"github.com/chance-video/chance/domain/account"
	"github.com/chance-video/chance/domain/money"
)

// PaymentVerifier asks the provider itself about a payment: a notification is only a
// hint to ask, never trusted for what it says.
type PaymentVerifier interface {
	// Payment is the provider's payment with this id; ErrUnknownAtProvider if it has none.
	Payment(ctx context.Context, providerID string) (VerifiedPayment, error)
}

// ErrUnknownAtProvider: the provider has no payment with the id asked about.
var ErrUnknownAtProvider = errors.New("the payment provider has no such payment")

// VerifiedPayment is a payment as the provider tells it.
type VerifiedPayment struct {
	ID       string
	Status   string // the provider's: pending, waiting_for_capture, succeeded, canceled
	Amount   money.Kopecks
	Currency string
	// Payment and UserID are what the shop put in the payment's metadata when it
	// created it (uuid.Nil if absent).
	Payment uuid.UUID
	UserID  uuid.UUID
}

// Provider statuses a notification settles on.
const (
	ProviderSucceeded = "succeeded"
	ProviderCanceled  = "canceled"
)

// Notice is what a provider notification came to.
type Notice struct {
	Outcome NoticeOutcome
	Detail  string  // for the log
	Settled Settled // with OutcomeSettled
	Payment uuid.UUID
}

// NoticeOutcome classifies a handled notification. Every outcome but an error is
// final: the provider is told it was received and stops sending it.
type NoticeOutcome string

// Outcomes of a notification.
const (
	// OutcomeSettled: the provider's verified status was recorded (or had been).
	OutcomeSettled NoticeOutcome = "settled"
	// OutcomeIgnored: nothing to do — the provider does not know the payment (a forged
	// notification), it is still pending there, or it is no top-up of this shop.
	OutcomeIgnored NoticeOutcome = "ignored"
	// OutcomeRefused: the provider's payment contradicts the top-up (amount, currency,
	// provider payment): nothing was credited.
	OutcomeRefused NoticeOutcome = "refused"
)

// ErrNoVerifier: notifications come for a provider this shop does not use.
// Whoever sent it is mistaken (or probing): a refusal, never the shop's failure.
var ErrNoVerifier = domain.NotFound("this shop takes no notifications from this payment provider")

// TopUpNotified handles a provider's notification about its payment providerID: it
// asks the provider for the payment and settles the top-up on what the provider says.
// An error means the provider should send the notification again (it could not be
// verified or recorded now).
func (s *Service) TopUpNotified(ctx context.Context, providerID string) (Notice, error) {
	if s.payments.Verifier == nil {
		return Notice{}, ErrNoVerifier
	}
	p, err := s.payments.Verifier.Payment(ctx, providerID)
	if errors.Is(err, ErrUnknownAtProvider) {
		return Notice{Outcome: OutcomeIgnored, Detail: "the provider has no payment " + providerID + ": a forged or mistaken notification"}, nil
	}
	if err != nil {
		return Notice{}, fmt.Errorf("verify payment %s: %w: %w", providerID, ErrProviderUnavailable, err)
	}
	n := Notice{Payment: p.Payment}
	switch {
	case p.ID != providerID:
		n.Outcome, n.Detail = OutcomeIgnored, fmt.Sprintf("asked for payment %s, the provider answered %s", providerID, p.ID)
	case p.Status != ProviderSucceeded && p.Status != ProviderCanceled:
		n.Outcome, n.Detail = OutcomeIgnored, "the payment is "+p.Status+" at the provider: nothing to settle yet"
	case p.Payment == uuid.Nil || p.UserID == uuid.Nil:
		n.Outcome, n.Detail = OutcomeIgnored, "payment "+providerID+" names no top-up of this shop in its metadata"
	case p.Status == ProviderSucceeded && p.Currency != money.Currency:
		n.Outcome, n.Detail = OutcomeRefused, fmt.Sprintf("payment %s was paid in %q, not %s", providerID, p.Currency, money.Currency)
	}
	if n.Outcome != "" {
		return n, nil
	}
	settled, err := s.SettleTopUp(ctx, Settlement{UserID: p.UserID, Payment: p.Payment, Provider: s.payments.Provider.Name(),
		ProviderPayment: providerID, Paid: p.Status == ProviderSucceeded, Amount: p.Amount})
	switch {
	case errors.Is(err, account.ErrUnknownTopUp):
		n.Outcome, n.Detail = OutcomeIgnored, fmt.Sprintf("top-up %s of customer %s is unknown here", p.Payment, p.UserID)
	case errors.Is(err, account.ErrTopUpAmount), errors.Is(err, account.ErrTopUpProvider):
		n.Outcome, n.Detail = OutcomeRefused, fmt.Sprintf("payment %s (%d kopecks, %s) does not match top-up %s: %v", providerID, p.Amount, p.Status, p.Payment, err)
	case err != nil:
		return Notice{}, err
	default:
		n.Outcome, n.Settled, n.Detail = OutcomeSettled, settled, "the provider says "+p.Status
	}
	return n, nil
}
