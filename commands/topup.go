package commands

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain/account"
	"github.com/chance-video/chance/domain/money"
	"github.com/chance-video/chance/eventlog"
)

// PaymentProvider takes a customer's money for a top-up: the test provider's own page
// or YooKassa. Without one (the demo), a top-up is credited at once.
type PaymentProvider interface {
	// Name is recorded with each top-up ("test", "yookassa"): only this provider may
	// settle it.
	Name() string
	// Create opens the payment at the provider. Called again for the same Payment it
	// answers the same provider payment (YooKassa's Idempotence-Key is the Payment).
	Create(ctx context.Context, order TopUpOrder) (ProviderPayment, error)
}

// TopUpOrder is what a provider is asked to take.
type TopUpOrder struct {
	Payment uuid.UUID
	UserID  uuid.UUID
	Amount  money.Kopecks
}

// ProviderPayment is a payment opened at a provider.
type ProviderPayment struct {
	ID              string // the provider's id
	ConfirmationURL string // where the customer pays
}

// Payments configures top-ups through a provider (WithPayments).
type Payments struct {
	Provider PaymentProvider
	// Verifier checks a provider's notifications (nil: the provider sends none).
	Verifier PaymentVerifier
	// PendingTTL is how long a top-up waits for its payment before it expires.
	PendingTTL time.Duration
}

// WithPayments makes top-ups go through a provider: pending until it settles them.
func WithPayments(p Payments) Option {
	return func(s *Service) { s.payments = p }
}

// ErrProviderUnavailable: the payment provider did not answer; the request may be
// retried with the same key.
var ErrProviderUnavailable = errors.New("the payment provider cannot be reached")

// requestTopUp opens a top-up at the provider and records it pending: no money moves
// until the provider settles it.
func (s *Service) requestTopUp(ctx context.Context, userID uuid.UUID, amount money.Kopecks, req Request) (Payment, error) {
	if err := money.CheckOperation(amount); err != nil {
		return Payment{}, err
	}
	payment := PaymentID(userID, req.Key)
	stream := account.Stream(userID)
	// A retry is answered from the log, without asking the provider again.
	prior, err := loadStream(ctx, s, account.Decider, stream, req)
	if err != nil {
		return Payment{}, err
	}
	if len(prior.prior) > 0 {
		return topUpOf(prior.replayed(), payment)
	}
	if prior.state.Processed(payment) {
		return Payment{}, fmt.Errorf("%s: %w", stream, ErrKeyReused) // the key named another operation
	}
	// Refused before the provider is asked: no payment is opened there for nothing.
	if prior.state.PendingTopUps(s.clock.Now()) >= account.MaxPendingTopUps {
		return Payment{}, fmt.Errorf("%s: %w", stream, account.ErrTooManyTopUps)
	}
	created, err := s.payments.Provider.Create(ctx, TopUpOrder{Payment: payment, UserID: userID, Amount: amount})
	if err != nil {
		return Payment{}, fmt.Errorf("top-up %s: %w: %w", payment, ErrProviderUnavailable, err)
	}
	now := s.clock.Now()
	out, err := execute(ctx, s, account.Decider, stream, account.Command(account.RequestTopUp{UserID: userID, Payment: payment, Amount: amount,
		Provider: s.payments.Provider.Name(), ProviderPayment: created.ID, ConfirmationURL: created.ConfirmationURL,
		ExpiresAt: now.Add(s.payments.PendingTTL), Now: now}), req)
	if err == nil {
		err = moved(out)
	}
	if err != nil {
		return Payment{}, err
	}
	return topUpOf(out, payment)
}

// topUpOf is the answer to a top-up request: where the top-up stands now.
func topUpOf(out Outcome[account.State], payment uuid.UUID) (Payment, error) {
	var amount money.Kopecks
	switch e := out.Events[0].(type) {
	case account.TopUpRequested:
		amount = e.Amount
	case account.FundsAdded: // the same key, credited at once before a provider was configured
		return Payment{PaymentID: payment, Amount: e.Amount, Balance: out.State.Balance, Replayed: out.Replayed, Position: out.Position}, nil
	default:
		return Payment{}, ErrKeyReused
	}
	t, status := out.State.TopUp(payment)
	return Payment{PaymentID: payment, Amount: amount, Balance: out.State.Balance, Replayed: out.Replayed, Position: out.Position,
		TopUp: status, ConfirmationURL: t.ConfirmationURL}, nil
}

// Settlement is a provider's verified word on a top-up.
type Settlement struct {
	UserID          uuid.UUID
	Payment         uuid.UUID
	Provider        string
	ProviderPayment string // "" for the test provider, whose id is ours
	Paid            bool
	Amount          money.Kopecks // what the provider says was paid
}

// Settled is where a settled top-up stands.
type Settled struct {
	Status   account.TopUpStatus
	Amount   money.Kopecks
	Balance  money.Kopecks
	Changed  bool // this settlement recorded something (false: it was settled before)
	Position eventlog.Position
}

// SettleTopUp records what a provider says of a top-up: paid credits the amount (once;
// a payment after the top-up expired too, as the money was taken), canceled ends it
// unpaid. A repeated or contradicting word on a settled top-up changes nothing.
func (s *Service) SettleTopUp(ctx context.Context, in Settlement) (Settled, error) {
	step := "declined"
	if in.Paid {
		step = "paid"
	}
	out, err := execute(ctx, s, account.Decider, account.Stream(in.UserID), account.Command(account.SettleTopUp{UserID: in.UserID,
		Payment: in.Payment, Provider: in.Provider, ProviderPayment: in.ProviderPayment, Paid: in.Paid, Amount: in.Amount, Now: s.clock.Now()}),
		stepRequest(in.Payment, "top-up-"+step))
	if err != nil {
		return Settled{}, err
	}
	return settledOf(out, in.Payment), nil
}

// ExpireTopUp ends a top-up still pending at its expiry (the scheduler's).
func (s *Service) ExpireTopUp(ctx context.Context, userID, payment uuid.UUID) (Settled, error) {
	out, err := execute(ctx, s, account.Decider, account.Stream(userID),
		account.Command(account.ExpireTopUp{UserID: userID, Payment: payment, Now: s.clock.Now()}), stepRequest(payment, "top-up-expired"))
	if err != nil {
		return Settled{}, err
	}
	return settledOf(out, payment), nil
}

func settledOf(out Outcome[account.State], payment uuid.UUID) Settled {
	t, status := out.State.TopUp(payment)
	r := Settled{Status: status, Amount: t.Amount, Balance: out.State.Balance, Changed: len(out.Events) > 0 && !out.Replayed, Position: out.Position}
	for _, e := range out.Events {
		if c, ok := e.(account.TopUpCanceled); ok {
			r.Amount = c.Amount
		}
		if a, ok := e.(account.FundsAdded); ok {
			r.Amount = a.Amount
		}
	}
	return r
}
