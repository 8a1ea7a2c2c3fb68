package commands

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain"
	"github.com/chance-video/chance/domain/account"
	"github.com/chance-video/chance/domain/money"
	"github.com/chance-video/chance/domain/rental"
	"github.com/chance-video/chance/eventlog"
)

// TermResult is what a term change or a cancellation did.
type TermResult struct {
	Rental    rental.State
	PaymentID uuid.UUID
	Delta     money.Kopecks // charged (> 0) or refunded (< 0)
	Balance   money.Kopecks
	Replayed  bool
	Position  eventlog.Position
}

// ChangeTerm extends or shortens a customer's rental. An extension is charged first
// (the debit records the change), then applied to the rental; a shortening is applied
// first (the rental records the refund due), then refunded.
func (s *Service) ChangeTerm(ctx context.Context, userID, rentalID uuid.UUID, hours int, req Request) (TermResult, error) {
	r, a, err := s.loadHolding(ctx, userID, rentalID, req)
	if err != nil {
		return TermResult{}, err
	}
	switch {
	case len(r.prior) > 0:
		return s.finishTerm(ctx, r.replayed().Events[0], true)
	case len(a.prior) > 0:
		if err := declineOf(a.replayed()); err != nil {
			return TermResult{}, err
		}
		return s.finishTerm(ctx, a.replayed().Events[0], true)
	}
	now := s.clock.Now()
	payment := PaymentID(userID, req.Key)
	if a.state.Processed(payment) {
		return TermResult{}, ErrKeyReused // the key paid for something else: never touch the rental
	}
	change := rental.ChangeTerm{Hours: hours, Payment: payment, TermVersion: r.state.TermVersion, Now: now}
	decided, err := rental.Decide(change, r.state)
	if err != nil {
		return TermResult{}, err
	}
	if len(decided) == 0 {
		return TermResult{Rental: r.state, Balance: a.state.Balance}, nil // already this term
	}
	req.UserID = userID
	var start domain.Event
	var startPosition eventlog.Position
	if delta := decided[0].(rental.TermChanged).Delta; delta > 0 {
		charge := account.Withdraw{UserID: userID, Payment: payment, Amount: delta, Now: now, Purpose: account.Purpose{
			Kind: account.ForTermChange, RentalID: rentalID, Hours: hours, TermVersion: r.state.TermVersion}}
		out, err := execute(ctx, s, account.Decider, account.Stream(userID), account.Command(charge), req)
		if err == nil {
			err = moved(out)
		}
		if err == nil {
			err = declineOf(out)
		}
		if err != nil {
			return TermResult{}, err
		}
		start, startPosition = out.Events[0], out.Position
	} else {
		out, err := execute(ctx, s, rental.Decider, rental.Stream(rentalID), rental.Command(change), req)
		if err != nil {
			return TermResult{}, err
		}
		if len(out.Events) == 0 {
			return TermResult{Rental: out.State, Balance: a.state.Balance}, nil
		}
		start, startPosition = out.Events[0], out.Position
	}
	if err := s.step("term first step"); err != nil {
		return TermResult{}, err
	}
	res, err := s.finishTerm(ctx, start, false)
	res.Position = later(res.Position, startPosition)
	return res, err
}

// Cancel ends a customer's rental and refunds per the cancellation rule.
func (s *Service) Cancel(ctx context.Context, userID, rentalID uuid.UUID, req Request) (TermResult, error) {
	r, a, err := s.loadHolding(ctx, userID, rentalID, req)
	if err != nil {
		return TermResult{}, err
	}
	if len(r.prior) > 0 {
		return s.finishTerm(ctx, r.replayed().Events[0], true)
	}
	payment := PaymentID(userID, req.Key)
	if a.state.Processed(payment) {
		return TermResult{}, ErrKeyReused // the key paid for something else: never touch the rental
	}
	req.UserID = userID
	cancel := rental.Cancel{Payment: payment, Now: s.clock.Now()}
	out, err := execute(ctx, s, rental.Decider, rental.Stream(rentalID), rental.Command(cancel), req)
	if err != nil {
		return TermResult{}, err
	}
	if err := s.step("cancelled"); err != nil {
		return TermResult{}, err
	}
	res, err := s.finishTerm(ctx, out.Events[0], out.Replayed)
	res.Position = later(res.Position, out.Position)
	return res, err
}

// loadHolding loads a customer's rental (another customer's is "not found") and
// account, each with the records the request's key already produced.
func (s *Service) loadHolding(ctx context.Context, userID, rentalID uuid.UUID, req Request) (loaded[rental.State], loaded[account.State], error) {
	if req.Key == "" {
		return loaded[rental.State]{}, loaded[account.State]{}, ErrKeyRequired
	}
	r, err := loadStream(ctx, s, rental.Decider, rental.Stream(rentalID), req)
	if err != nil {
		return r, loaded[account.State]{}, err
	}
	if !r.state.Exists() || r.state.UserID != userID {
		return r, loaded[account.State]{}, rental.ErrNotRented
	}
	a, err := loadStream(ctx, s, account.Decider, account.Stream(userID), req)
	return r, a, err
}

// finishTerm completes a term change or cancellation from its first step's event.
func (s *Service) finishTerm(ctx context.Context, start domain.Event, replayed bool) (TermResult, error) {
	var res TermResult
	var err error
	switch e := start.(type) {
	case account.FundsWithdrawn:
		res, err = s.completeTermCharge(ctx, e)
	case rental.TermChanged:
		res, err = s.completeRefund(ctx, e.UserID, e.RentalID, e.Payment, -e.Delta, account.ForTermChange, e.Hours)
		res.Delta = e.Delta
	case rental.Cancelled:
		res, err = s.completeRefund(ctx, e.UserID, e.RentalID, e.Payment, e.Refund, account.ForCancellation, 0)
		res.Delta = -e.Refund
	default:
		return TermResult{}, fmt.Errorf("%T does not start a term change: %w", start, ErrKeyReused)
	}
	res.Replayed = replayed
	return res, err
}

// ErrTermChangedMeanwhile: an extension was paid for, but the rental changed before it
// could be applied; the charge was refunded.
var ErrTermChangedMeanwhile = domain.Conflict("the rental changed while the extension was being paid; the charge was refunded")

// completeTermCharge applies a paid extension to the rental, or refunds the charge if
// the rental moved on (changed, cancelled, ended) before it could be applied.
func (s *Service) completeTermCharge(ctx context.Context, w account.FundsWithdrawn) (TermResult, error) {
	change := rental.ChangeTerm{Hours: w.Purpose.Hours, Payment: w.Payment, TermVersion: w.Purpose.TermVersion, Now: w.At}
	out, err := execute(ctx, s, rental.Decider, rental.Stream(w.Purpose.RentalID), rental.Command(change), stepRequest(w.Payment, "term"))
	compensated := errors.Is(err, domain.ErrConflict) || errors.Is(err, domain.ErrNotFound)
	if compensated {
		err = s.compensate(ctx, w.UserID, w.Payment, "term", w.Amount)
	}
	if err != nil {
		return TermResult{}, err
	}
	if err := s.step("term applied"); err != nil {
		return TermResult{}, err
	}
	acct, err := s.loadAccount(ctx, w.UserID)
	if err != nil {
		return TermResult{}, err
	}
	res := TermResult{Rental: out.State, PaymentID: w.Payment, Delta: w.Amount, Balance: acct.Balance, Position: out.Position}
	if compensated {
		return res, ErrTermChangedMeanwhile
	}
	return res, nil
}

// completeRefund refunds what a shortening or a cancellation left due.
func (s *Service) completeRefund(ctx context.Context, userID, rentalID, payment uuid.UUID, amount money.Kopecks, kind account.PurposeKind, hours int) (TermResult, error) {
	var position eventlog.Position
	if amount <= 0 {
		payment = uuid.Nil // nothing refunded: no payment to name
	} else {
		refund := account.Refund{UserID: userID, Payment: payment, Amount: amount, Now: s.clock.Now(),
			Purpose: account.Purpose{Kind: kind, RentalID: rentalID, Hours: hours}}
		out, err := execute(ctx, s, account.Decider, account.Stream(userID), account.Command(refund), stepRequest(payment, "refund"))
		if err != nil {
			return TermResult{}, err
		}
		position = out.Position
		if err := s.step("refunded"); err != nil {
			return TermResult{}, err
		}
	}
	r, err := s.loadRental(ctx, rentalID)
	if err != nil {
		return TermResult{}, err
	}
	acct, err := s.loadAccount(ctx, userID)
	return TermResult{Rental: r, PaymentID: payment, Balance: acct.Balance, Position: position}, err
}

// Remind records that a term version's reminder is due (the scheduler calls it).
func (s *Service) Remind(ctx context.Context, rentalID uuid.UUID, termVersion int) (eventlog.Position, error) {
	out, err := execute(ctx, s, rental.Decider, rental.Stream(rentalID), rental.Command(rental.Remind{TermVersion: termVersion, Now: s.clock.Now()}), Request{})
	return out.Position, err
}

// Expire records that a rental's term has ended (the scheduler calls it).
func (s *Service) Expire(ctx context.Context, rentalID uuid.UUID) (eventlog.Position, error) {
	out, err := execute(ctx, s, rental.Decider, rental.Stream(rentalID), rental.Command(rental.Expire{Now: s.clock.Now()}), Request{})
	return out.Position, err
}
