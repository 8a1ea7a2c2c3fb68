package account

import "github.com/chance-video/chance/domain"

// Evolve records a fact in the state; it checks nothing. The balance is summed from
// amounts, so BalanceAfter in the events is a recorded fact an audit can verify.
func Evolve(s State, e domain.Event) State {
	switch e := e.(type) {
	case FundsAdded:
		s.Balance += e.Amount
		s.Payments[e.Payment] = &Payment{Amount: e.Amount}
	case FundsWithdrawn:
		s.Balance -= e.Amount
		s.Payments[e.Payment] = &Payment{Kind: e.Purpose.Kind, Amount: e.Amount, Purpose: e.Purpose}
		if v := e.Purpose.CartVersion; v > s.PaidCart.Version {
			s.PaidCart = PaidCart{Version: v, Order: e.Payment}
		}
	case FundsRefunded:
		s.Balance += e.Amount
		s.Payments[e.Payment] = &Payment{Kind: e.Purpose.Kind, Amount: e.Amount, Purpose: e.Purpose}
	case PaymentRedeemed:
		if w, ok := s.Payments[e.Withdrawal]; ok {
			w.Redeemed = true
		}
		s.Payments[e.Payment] = &Payment{Kind: e.Purpose.Kind, Purpose: e.Purpose}
	case PaymentDeclined:
		s.Declined[e.Payment] = e // no money moved: the balance stays
	}
	return s
}
