package commands

import (
	"context"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain/account"
	"github.com/chance-video/chance/domain/money"
	"github.com/chance-video/chance/eventlog"
)

// Payment is the result of a top-up or a debit.
type Payment struct {
	PaymentID uuid.UUID
	Amount    money.Kopecks
	Balance   money.Kopecks // after the payment (the current balance on a replay)
	Replayed  bool
	Position  eventlog.Position
	// TopUp is where a top-up through a provider stands (TopUpUnknown: credited at
	// once, or not a top-up); ConfirmationURL is where its customer pays.
	TopUp           account.TopUpStatus
	ConfirmationURL string
}

// Fill tops up a customer's balance: at once (the demo), or through the payment
// provider, pending until it settles the top-up.
func (s *Service) Fill(ctx context.Context, userID uuid.UUID, amount money.Kopecks, req Request) (Payment, error) {
	if req.Key == "" {
		return Payment{}, ErrKeyRequired
	}
	if s.payments.Provider != nil {
		return s.requestTopUp(ctx, userID, amount, req)
	}
	payment := PaymentID(userID, req.Key)
	out, err := execute(ctx, s, account.Decider, account.Stream(userID),
		account.Command(account.Fill{UserID: userID, Payment: payment, Amount: amount, Now: s.clock.Now()}), req)
	if err == nil {
		err = moved(out)
	}
	if err != nil {
		return Payment{}, err
	}
	// A retry answers what the key recorded: a top-up opened at a provider before the
	// shop dropped it is still pending, not credited.
	return topUpOf(out, payment)
}

// Withdraw debits the current quote of a premiere for a term, to be redeemed by a
// later rent with the payment id. amount must equal the quote.
func (s *Service) Withdraw(ctx context.Context, userID, premiereID uuid.UUID, hours int, amount money.Kopecks, req Request) (Payment, error) {
	if req.Key == "" {
		return Payment{}, ErrKeyRequired
	}
	payment := PaymentID(userID, req.Key)
	// A retry is answered before quoting: the price may have changed since.
	prior, err := loadStream(ctx, s, account.Decider, account.Stream(userID), req)
	if err != nil {
		return Payment{}, err
	}
	if len(prior.prior) > 0 {
		out := prior.replayed()
		if err := declineOf(out); err != nil {
			return Payment{}, err
		}
		w, ok := out.Events[0].(account.FundsWithdrawn)
		if !ok {
			return Payment{}, ErrKeyReused
		}
		return Payment{PaymentID: payment, Amount: w.Amount, Balance: out.State.Balance, Replayed: true, Position: out.Position}, nil
	}
	p, err := s.loadPremiere(ctx, premiereID)
	if err != nil {
		return Payment{}, err
	}
	quote, err := p.Quote(hours)
	if err != nil {
		return Payment{}, err
	}
	if quote != amount {
		return Payment{}, &PriceChanged{Expected: amount, Quote: quote}
	}
	purpose := account.Purpose{Kind: account.ForPremiere, PremiereID: premiereID, Title: p.Card.Title, Hours: hours, Terms: p.Terms}
	out, err := execute(ctx, s, account.Decider, account.Stream(userID),
		account.Command(account.Withdraw{UserID: userID, Payment: payment, Amount: amount, Purpose: purpose, Now: s.clock.Now()}), req)
	if err == nil {
		err = moved(out)
	}
	if err == nil {
		err = declineOf(out)
	}
	if err != nil {
		return Payment{}, err
	}
	return Payment{PaymentID: payment, Amount: amount, Balance: out.State.Balance, Replayed: out.Replayed, Position: out.Position}, nil
}

// loadAccount folds a customer's account.
func (s *Service) loadAccount(ctx context.Context, userID uuid.UUID) (account.State, error) {
	return load(ctx, s, account.Decider, account.Stream(userID))
}
