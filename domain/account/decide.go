package account

import (
	"fmt"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain"
	"github.com/chance-video/chance/domain/money"
)

// Decider is the account aggregate.
var Decider = domain.Decider[State, Command]{Initial: Initial, Decide: Decide, Evolve: Evolve, Version: 3}

// Errors an account decides, beyond bad input and InsufficientFunds.
var (
	ErrUnknownWithdrawal = domain.NotFound("payment not found on this account")
	ErrNotRedeemable     = domain.Conflict("this payment was not a withdrawal for a premiere")
	ErrAlreadyRedeemed   = domain.Conflict("this payment has already been used for a rental")
	ErrRedeemMismatch    = domain.Conflict("this payment was for another premiere or period")
	ErrDeclinedPayment   = domain.Conflict("this payment was declined and paid nothing")
)

// InsufficientFunds: the balance is short of a debit. PaymentID names the declined
// payment, whose status tells the same.
type InsufficientFunds struct {
	Balance   money.Kopecks
	Needed    money.Kopecks
	PaymentID uuid.UUID
}

// CartAlreadyPaid: a checkout of a cart whose content an order already paid for.
type CartAlreadyPaid struct {
	OrderID uuid.UUID
}

func (e *CartAlreadyPaid) Error() string {
	return fmt.Sprintf("this cart was already paid for by order %s", e.OrderID)
}

func (e *CartAlreadyPaid) Unwrap() error { return domain.ErrConflict }

func (e *InsufficientFunds) Error() string {
	return fmt.Sprintf("insufficient funds: balance %d, needed %d, short by %d kopecks", e.Balance, e.Needed, e.Shortfall())
}

func (e *InsufficientFunds) Unwrap() error { return domain.ErrFunds }

// Shortfall is what the customer has to top up.
func (e *InsufficientFunds) Shortfall() money.Kopecks { return e.Needed - e.Balance }

// Decide applies the account rules to a command.
func Decide(c Command, s State) ([]domain.Event, error) {
	switch c := c.(type) {
	case Fill:
		if err := money.CheckOperation(c.Amount); err != nil {
			return nil, err
		}
		if s.Processed(c.Payment) {
			return nil, nil // a retry of a top-up already applied
		}
		return []domain.Event{FundsAdded{UserID: c.UserID, Payment: c.Payment, Amount: c.Amount, BalanceAfter: s.Balance + c.Amount, At: c.Now}}, nil
	case Withdraw:
		return withdraw(c, s)
	case Refund:
		if err := money.CheckOperation(c.Amount); err != nil {
			return nil, err
		}
		if s.Processed(c.Payment) {
			return nil, nil
		}
		return []domain.Event{FundsRefunded{UserID: c.UserID, Payment: c.Payment, Amount: c.Amount, BalanceAfter: s.Balance + c.Amount, Purpose: c.Purpose, At: c.Now}}, nil
	case Redeem:
		return redeem(c, s)
	case RequestTopUp:
		return requestTopUp(c, s)
	case SettleTopUp:
		return settleTopUp(c, s)
	case ExpireTopUp:
		return expireTopUp(c, s)
	default:
		return nil, fmt.Errorf("account: unknown command %T", c)
	}
}

func withdraw(c Withdraw, s State) ([]domain.Event, error) {
	if err := money.CheckOperation(c.Amount); err != nil {
		return nil, err
	}
	if c.Purpose.Kind == ForOrder && c.Purpose.Total() != c.Amount {
		return nil, domain.Invalid(fmt.Sprintf("order total %d differs from the debit %d", c.Purpose.Total(), c.Amount))
	}
	if s.Processed(c.Payment) {
		return nil, nil // a retry of a debit already applied or declined: decided once
	}
	if order, paid := s.CartPaidBy(c.Purpose.CartVersion); paid && c.Purpose.Kind == ForOrder {
		return nil, &CartAlreadyPaid{OrderID: order}
	}
	if c.Amount > s.Balance {
		return []domain.Event{PaymentDeclined{UserID: c.UserID, Payment: c.Payment, Amount: c.Amount, Balance: s.Balance,
			Reason: DeclinedInsufficientFunds, Purpose: c.Purpose, At: c.Now}}, nil
	}
	return []domain.Event{FundsWithdrawn{UserID: c.UserID, Payment: c.Payment, Amount: c.Amount, BalanceAfter: s.Balance - c.Amount, Purpose: c.Purpose, At: c.Now}}, nil
}

func redeem(c Redeem, s State) ([]domain.Event, error) {
	if s.Processed(c.Payment) {
		return nil, nil
	}
	switch d, _ := s.decided.Get(c.Withdrawal); d {
	case 0:
		return nil, ErrUnknownWithdrawal
	case wasDeclined:
		return nil, ErrDeclinedPayment
	case wasRedeemed:
		return nil, ErrAlreadyRedeemed
	case wasForPremiere:
	default:
		return nil, ErrNotRedeemable
	}
	w := s.redeemable[c.Withdrawal]
	if len(c.Purpose.Rentals) != 1 {
		return nil, domain.Invalid("a withdrawal pays for exactly one rental")
	}
	line := c.Purpose.Rentals[0]
	if line.PremiereID != w.Purpose.PremiereID || line.Hours != w.Purpose.Hours || line.Terms != w.Purpose.Terms || line.Price != w.Amount {
		return nil, ErrRedeemMismatch
	}
	return []domain.Event{PaymentRedeemed{UserID: c.UserID, Payment: c.Payment, Withdrawal: c.Withdrawal, Amount: w.Amount, Purpose: c.Purpose, At: c.Now}}, nil
}
